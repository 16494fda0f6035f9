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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancel of a waiting task, of a running cooperative one, and of one that ignores its cancel
 * (the worker escalates: records it canceled and halts with exit code 3), each in all three
 * connection modes. With LISTEN (direct, or on the direct URL beside PgBouncer) the cancel arrives
 * as a signal; through PgBouncer in poll mode the worker finds it by polling.
 */
@Timeout(180)
class CancelIT {
    /** The worker's default cancel grace is 5 s; escalation must end the task well within this. */
    private static final Duration STUBBORN_CANCELED_WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void cancelOfAWaitingAndOfARunningTask(ConnectionMode mode) {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode).concurrency(2));
        String x = "repository:X-" + mode.name();
        UUID running = env.dispatcher().dispatch(TaskSpec.sleep(120).exclusive(x));
        env.awaitState(running, TaskState.RUNNING, Duration.ofSeconds(30));
        UUID waiting = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(x));

        assertThat(env.dispatcher().cancel(waiting)).isEqualTo(TaskState.CANCELING);
        TaskRecord canceledWaiting = env.awaitFinal(waiting, Duration.ofSeconds(30));
        assertThat(canceledWaiting.state()).isEqualTo(TaskState.CANCELED);
        assertThat(canceledWaiting.startedAt()).as("a task canceled while it waited never started").isNull();

        Instant cancelAt = env.tasks().now();
        assertThat(env.dispatcher().cancel(running)).isEqualTo(TaskState.CANCELING);
        TaskRecord canceledRunning = env.awaitFinal(running, Duration.ofSeconds(15));
        assertThat(canceledRunning.state()).isEqualTo(TaskState.CANCELED);
        assertThat(Duration.between(cancelAt, canceledRunning.finishedAt()))
                .as("a cooperative handler stops promptly, before any escalation").isLessThan(Duration.ofSeconds(4));
        assertThat(worker.alive()).as("a cooperative cancel needs no escalation").isTrue();

        UUID after = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive(x));
        assertThat(env.awaitFinal(after, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(env.dispatcher().cancel(canceledRunning.id())).as("canceling a canceled task changes nothing")
                .isEqualTo(TaskState.CANCELED);
        env.assertInvariants(Set.of(waiting));
    }

    /**
     * A waiting exclusive task is all that keeps a shared one behind it from joining a running
     * shared one (FIFO). Canceling the exclusive one must let the shared one start at once, while
     * the first still runs.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void cancelingTheWaitingWriterLetsTheReaderBehindItJoinTheRunningReader(ConnectionMode mode) {
        env.startWorker(WorkerSpec.of(mode).concurrency(3));
        String r = "repository:R-" + mode.name();
        UUID runningReader = env.dispatcher().dispatch(TaskSpec.sleep(60).shared(r));
        env.awaitState(runningReader, TaskState.RUNNING, Duration.ofSeconds(30));
        UUID writer = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(r));
        UUID queuedReader = env.dispatcher().dispatch(TaskSpec.sleep(0.2).shared(r));
        assertThat(env.tasks().get(queuedReader).unblockedAt()).as("FIFO: the reader waits behind the writer").isNull();

        assertThat(env.dispatcher().cancel(writer)).isEqualTo(TaskState.CANCELING);
        TaskRecord reader = env.awaitFinal(queuedReader, Duration.ofSeconds(20));
        assertThat(reader.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(env.tasks().get(runningReader).state()).as("the first reader still runs").isEqualTo(TaskState.RUNNING);
        assertThat(env.tasks().get(writer).state()).isEqualTo(TaskState.CANCELED);

        assertThat(env.dispatcher().cancel(runningReader)).isEqualTo(TaskState.CANCELING);
        env.awaitAllFinal(Duration.ofSeconds(30));
        env.assertInvariants(Set.of(writer));
    }

    /**
     * A task that asks for newer components than any worker has is never run, and holds its place
     * in the queue; but any worker may finish its cancel, which frees the task queued behind it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aTaskNoWorkerMayRunIsLeftAloneButItsCancelIsFinished(ConnectionMode mode) {
        env.startWorker(WorkerSpec.of(mode).concurrency(2));
        String v = "repository:V-" + mode.name();
        UUID tooNew = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(v).versions(Map.of("brigade", "99.0")));
        UUID behind = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive(v));
        UUID elsewhere = env.dispatcher().dispatch(TaskSpec.echo(3).exclusive("repository:W-" + mode.name()));

        assertThat(env.awaitFinal(elsewhere, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        TaskRecord waiting = env.tasks().get(tooNew);
        assertThat(waiting.state()).as("no worker may run it: %s", waiting).isEqualTo(TaskState.WAITING);
        assertThat(waiting.unblockedAt()).as("it is free to run").isNotNull();
        assertThat(waiting.worker()).as("never claimed").isNull();
        assertThat(env.tasks().get(behind).startedAt()).as("FIFO: the task behind it waits").isNull();

        assertThat(env.dispatcher().cancel(tooNew)).isEqualTo(TaskState.CANCELING);
        TaskRecord canceled = env.awaitFinal(tooNew, Duration.ofSeconds(30));
        assertThat(canceled.state()).isEqualTo(TaskState.CANCELED);
        assertThat(canceled.startedAt()).isNull();
        assertThat(env.awaitFinal(behind, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        env.assertInvariants(Set.of(tooNew));
    }

    /**
     * The handler ignores its cancel: after the cancel grace its worker records the task canceled
     * and halts (exit code 3); the other task it ran ends failed with the reason. Both resources
     * are free again once the janitor has removed the halted worker: later tasks complete on the
     * surviving worker.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void cancelOfATaskThatIgnoresItEscalates(ConnectionMode mode) {
        WorkerProcess holder = env.startWorker(WorkerSpec.of(mode).concurrency(2));
        String y = "repository:Y-" + mode.name();
        String q = "repository:Q-" + mode.name();
        UUID stubborn = env.dispatcher().dispatch(TaskSpec.stubborn(300).exclusive(y));
        UUID neighbour = env.dispatcher().dispatch(TaskSpec.sleep(300).exclusive(q));
        TaskRecord running = env.awaitState(stubborn, TaskState.RUNNING, Duration.ofSeconds(30));
        env.awaitState(neighbour, TaskState.RUNNING, Duration.ofSeconds(30));
        WorkerProcess survivor = env.startWorker(WorkerSpec.of(mode).concurrency(2));

        Instant cancelAt = env.tasks().now();
        assertThat(env.dispatcher().cancel(stubborn)).isEqualTo(TaskState.CANCELING);
        // queued while the stubborn handler still runs: they may start only once it is gone
        UUID afterY = env.dispatcher().dispatch(TaskSpec.echo(3).exclusive(y));
        UUID afterQ = env.dispatcher().dispatch(TaskSpec.echo(4).exclusive(q));
        TaskRecord canceled = env.awaitFinal(stubborn, STUBBORN_CANCELED_WITHIN);
        assertThat(canceled.state()).isEqualTo(TaskState.CANCELED);
        assertThat(Duration.between(cancelAt, canceled.finishedAt())).isLessThan(STUBBORN_CANCELED_WITHIN);
        assertThat(holder.awaitExit(Duration.ofSeconds(30)))
                .as("the worker whose handler ignored the cancel halts with exit code 3; log %s", holder.log())
                .isEqualTo(3);
        TaskRecord aborted = env.tasks().get(neighbour);
        assertThat(aborted.state()).as("the other task of the halted worker: %s", aborted).isEqualTo(TaskState.FAILED);
        assertThat(aborted.errorDescription()).contains(stubborn.toString()).contains("ignored its cancel");

        // the resources are free again, but only once the halted worker (and its handlers) are gone
        for (UUID after : List.of(afterY, afterQ)) {
            TaskRecord completed = env.awaitFinal(after, Duration.ofSeconds(45));
            assertThat(completed.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(survivor.named(completed.worker())).as("ran on the surviving worker: %s", completed).isTrue();
            assertThat(completed.startedAt()).as("no handler outlives its reservation: the next task on its resource"
                    + " started after the halted worker was gone (%s)", holder.exitedAt()).isAfter(holder.exitedAt());
        }
        assertThat(survivor.alive()).isTrue();
        env.assertInvariants();
    }
}
