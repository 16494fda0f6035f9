package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while a task runs: the task completes, no new task is taken, the worker exits 0 and
 * deregisters; a task that outlasts the shutdown is aborted. Every scenario in every connection mode.
 */
@Timeout(180)
class ShutdownIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void sigtermLetsTheRunningTaskFinishThenExitsCleanly(ConnectionMode mode) {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode).concurrency(1));
        UUID id = env.dispatcher().dispatch(TaskSpec.recorded(3000));
        env.awaitHandlerStarted(id, Duration.ofSeconds(30)); // running from its claim, in its handler from now
        TaskRecord running = env.tasks().get(id);
        assertThat(worker.named(running.worker())).isTrue();
        assertThat(env.tasks().appStatusExists(running.worker())).isTrue();

        worker.terminate();
        UUID queuedAfterStop = env.dispatcher().dispatch(TaskSpec.echo(1));
        assertThat(worker.awaitExit(Duration.ofSeconds(30))).as("exit code; log %s", worker.log()).isZero();

        TaskRecord finished = env.tasks().get(id);
        assertThat(finished.state()).as("the running task completed: %s", finished).isEqualTo(TaskState.COMPLETED);
        assertThat(env.tasks().appStatusExists(running.worker())).as("its app_status row is gone").isFalse();
        assertThat(env.tasks().get(queuedAfterStop).startedAt()).as("a stopping worker takes no new task").isNull();

        // another worker takes what the stopped one left
        env.startWorker(WorkerSpec.of(mode).concurrency(1));
        assertThat(env.awaitFinal(queuedAfterStop, Duration.ofSeconds(30)).state())
                .isEqualTo(TaskState.COMPLETED);
        env.assertInvariants();
    }

    /**
     * A task that outlasts the shutdown: with brigade.worker.shutdown-grace it is aborted when the
     * grace runs out; without one, a second SIGTERM aborts it at once. Either way it is recorded
     * failed ("aborted during worker shutdown"), the worker halts with exit code 3, and its
     * resource is free again once the janitor has removed the halted worker.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aTaskThatOutlastsTheShutdownIsAbortedAndRecordedFailed(ConnectionMode mode) {
        String s1 = "repository:S1-" + mode.name();
        String s2 = "repository:S2-" + mode.name();
        WorkerProcess noGrace = env.startWorker(WorkerSpec.of(mode).concurrency(1));
        UUID first = env.dispatcher().dispatch(TaskSpec.recorded(300_000).exclusive(s1));
        env.awaitHandlerStarted(first, Duration.ofSeconds(30));
        TaskRecord firstRunning = env.tasks().get(first);
        WorkerProcess withGrace = env.startWorker(WorkerSpec.of(mode).concurrency(1)
                .with("brigade.worker.shutdown-grace", "2S"));
        UUID second = env.dispatcher().dispatch(TaskSpec.recorded(300_000).exclusive(s2));
        env.awaitHandlerStarted(second, Duration.ofSeconds(30));
        TaskRecord secondRunning = env.tasks().get(second);
        assertThat(noGrace.named(firstRunning.worker()) && withGrace.named(secondRunning.worker()))
                .as("each worker runs one of the tasks: %s / %s", firstRunning, secondRunning).isTrue();

        withGrace.terminate();
        noGrace.terminate();
        assertThat(withGrace.awaitExit(Duration.ofSeconds(30)))
                .as("the grace ran out: exit code; log %s", withGrace.log()).isEqualTo(3);
        assertThat(noGrace.alive()).as("without a grace the worker waits for its task").isTrue();
        assertThat(env.tasks().get(first).state()).isEqualTo(TaskState.RUNNING);
        noGrace.terminate();
        assertThat(noGrace.awaitExit(Duration.ofSeconds(30)))
                .as("a second SIGTERM aborts: exit code; log %s", noGrace.log()).isEqualTo(3);

        for (UUID id : List.of(first, second)) {
            TaskRecord aborted = env.tasks().get(id);
            assertThat(aborted.state()).as("%s", aborted).isEqualTo(TaskState.FAILED);
            assertThat(aborted.errorDescription()).isEqualTo("aborted during worker shutdown");
        }
        env.startWorker(WorkerSpec.of(mode).concurrency(2));
        UUID afterFirst = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(s1));
        UUID afterSecond = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive(s2));
        assertThat(env.awaitFinal(afterFirst, Duration.ofSeconds(45)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(env.awaitFinal(afterSecond, Duration.ofSeconds(45)).state()).isEqualTo(TaskState.COMPLETED);
        env.assertInvariants();
    }
}
