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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM while a task runs: the task completes, no new task is taken, the worker exits 0 and deregisters. */
@Timeout(180)
class ShutdownIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConnectionMode.class, names = {"PGBOUNCER_LISTEN"})
    void sigtermLetsTheRunningTaskFinishThenExitsCleanly(ConnectionMode mode) {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode).concurrency(1));
        UUID id = env.dispatcher().dispatch(TaskSpec.sleep(3));
        TaskRecord running = env.awaitState(id, TaskState.RUNNING, Duration.ofSeconds(30));
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
}
