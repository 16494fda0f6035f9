package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may run when: Pulp's multi-resource scenario and no head-of-line blocking, each in every connection mode. */
@Timeout(180)
class SchedulingIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    /**
     * T1 excl[A] shared[B], T2 shared[A], T3 shared[A], T4 excl[A], T5 excl[B], dispatched in that
     * order to 2 workers × 2: T2 and T3 wait for T1 and then run together, T4 waits for both,
     * T5 waits for T1 (which holds B shared).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void pulpMultiResourceScenario(ConnectionMode mode) {
        env.startWorkers(2, WorkerSpec.of(mode).concurrency(2));
        String a = "repository:A-" + mode.name();
        String b = "repository:B-" + mode.name();

        List<UUID> ids = new ArrayList<>();
        ids.add(env.dispatcher().dispatch(TaskSpec.sleep(1).exclusive(a).shared(b)));
        ids.add(env.dispatcher().dispatch(TaskSpec.sleep(1).shared(a)));
        ids.add(env.dispatcher().dispatch(TaskSpec.sleep(1).shared(a)));
        ids.add(env.dispatcher().dispatch(TaskSpec.sleep(1).exclusive(a)));
        ids.add(env.dispatcher().dispatch(TaskSpec.sleep(1).exclusive(b)));
        env.awaitAllFinal(Duration.ofSeconds(60));

        List<TaskRecord> t = env.tasks().get(ids);
        TaskRecord t1 = t.get(0), t2 = t.get(1), t3 = t.get(2), t4 = t.get(3), t5 = t.get(4);
        assertThat(t).as("all complete").allMatch(task -> task.state() == TaskState.COMPLETED, "completed");
        assertThat(t2.startedAt()).as("T2 starts after T1 finishes").isAfterOrEqualTo(t1.finishedAt());
        assertThat(t3.startedAt()).as("T3 starts after T1 finishes").isAfterOrEqualTo(t1.finishedAt());
        assertThat(t4.startedAt()).as("T4 starts after T2 finishes").isAfterOrEqualTo(t2.finishedAt());
        assertThat(t4.startedAt()).as("T4 starts after T3 finishes").isAfterOrEqualTo(t3.finishedAt());
        assertThat(t5.startedAt()).as("T5 starts after T1 finishes").isAfterOrEqualTo(t1.finishedAt());
        assertThat(t2.startedAt().isBefore(t3.finishedAt()) && t3.startedAt().isBefore(t2.finishedAt()))
                .as("the shared readers T2 and T3 run together: %s / %s", t2, t3).isTrue();
        env.assertInvariants();
    }

    /**
     * A long task holds B and 25 more wait on B; a task on another resource, dispatched last,
     * still runs at once on the free slot. In every connection mode; polling through PgBouncer has
     * the slowest wakeups.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void noHeadOfLineBlocking(ConnectionMode mode) {
        String b = "repository:B-HOL-" + mode.name();
        env.startWorkers(1, WorkerSpec.of(mode).concurrency(2));
        UUID longOnB = env.dispatcher().dispatch(TaskSpec.sleep(60).exclusive(b));
        env.awaitState(longOnB, TaskState.RUNNING, Duration.ofSeconds(30));
        List<TaskSpec> queued = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            queued.add(TaskSpec.echo(i).exclusive(b));
        }
        List<UUID> queuedIds = env.dispatcher().dispatchAll(queued, 4);
        UUID onO = env.dispatcher().dispatch(TaskSpec.echo(-1).exclusive("repository:O-HOL-" + mode.name()));

        TaskRecord other = env.awaitFinal(onO, Duration.ofSeconds(30));
        TaskRecord longTask = env.tasks().get(longOnB);
        assertThat(other.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(longTask.state()).as("the task on B still runs when the task on O completed: %s", longTask)
                .isEqualTo(TaskState.RUNNING);
        assertThat(env.tasks().get(queuedIds)).as("nothing queued on B started")
                .allMatch(task -> task.startedAt() == null, "not started");

        // end the long task early rather than wait for it; the queue on B then drains in order
        assertThat(env.dispatcher().cancel(longOnB)).isEqualTo(TaskState.CANCELING);
        env.awaitAllFinal(Duration.ofSeconds(60));
        assertThat(env.tasks().get(longOnB).state()).isEqualTo(TaskState.CANCELED);
        assertThat(env.tasks().get(queuedIds)).allMatch(task -> task.state() == TaskState.COMPLETED, "completed");
        env.assertInvariants();
    }

    /**
     * A worker that has seen short tasks queues more tasks than it has slots (its local queue);
     * when a long task then holds its only slot, the queued tasks are given back after
     * prefetch-wait and an idle worker runs them while the long task still runs.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void tasksQueuedBehindALongTaskAreGivenBackToAnIdleWorker(ConnectionMode mode) {
        String l = "queue:L-" + mode.name();
        WorkerSpec spec = WorkerSpec.of(mode).concurrency(1).with("brigade.worker.prefetch-wait", "1S");
        env.startWorkers(1, spec);
        List<TaskSpec> warmUp = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            warmUp.add(TaskSpec.echo(i));
        }
        env.dispatcher().dispatchAll(warmUp, 1);
        env.awaitAllFinal(Duration.ofSeconds(60));
        // one dispatch so that the worker claims the long task and the short ones in one claim
        List<UUID> ids = env.dispatcher().dispatchBulk(List.of(TaskSpec.sleep(120).exclusive(l),
                TaskSpec.echo(1), TaskSpec.echo(2), TaskSpec.echo(3)));
        UUID longTask = ids.getFirst();
        env.awaitState(longTask, TaskState.RUNNING, Duration.ofSeconds(30));
        String first = env.tasks().get(longTask).worker();
        env.startWorkers(1, spec);

        for (UUID shortTask : ids.subList(1, ids.size())) {
            TaskRecord done = env.awaitFinal(shortTask, Duration.ofSeconds(60));
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(done.worker()).as("run by the idle worker, not queued behind the long task").isNotEqualTo(first);
        }
        assertThat(env.tasks().get(longTask).state()).as("the long task still runs").isEqualTo(TaskState.RUNNING);
        assertThat(env.dispatcher().cancel(longTask)).isEqualTo(TaskState.CANCELING);
        env.awaitAllFinal(Duration.ofSeconds(60));
        env.assertInvariants();
    }
}
