package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker whose database link hangs (its PgBouncer frozen: no error, no answer, as in a network
 * partition) must halt within two thirds of its ttl (exit code 4), before another worker can judge
 * it missing and hand its task's resources on while its handler still runs (DESIGN: "a worker
 * that claims to be online is online"; WorkerLifecycle: "halts the process before anyone could
 * judge it missing").
 */
@Timeout(180)
class DatabaseUnreachableIT {
    private static final Duration TTL = Duration.ofSeconds(6);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void aWorkerCutOffFromTheDatabaseHaltsBeforeItsTaskIsHandedOn() {
        WorkerProcess cutOff = env.startWorker(WorkerSpec.of(ConnectionMode.PGBOUNCER_POLL).concurrency(1).ttl(TTL));
        UUID id = env.dispatcher().dispatch(TaskSpec.sleep(300).exclusive("repository:P"));
        env.awaitState(id, TaskState.RUNNING, Duration.ofSeconds(30));
        WorkerProcess healthy = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT).concurrency(1).ttl(TTL));

        Instant frozenAt = env.tasks().now();
        env.pgBouncer().freeze();
        try {
            TaskRecord failed = env.awaitFinal(id, Duration.ofSeconds(60));
            int exit = cutOff.awaitExit(Duration.ofSeconds(60));
            double handedOverAfter = Duration.between(frozenAt, failed.finishedAt()).toMillis() / 1000.0;
            double haltedAfter = Duration.between(frozenAt, cutOff.exitedAt()).toMillis() / 1000.0;
            System.out.printf("[db-unreachable] the cut-off worker exited with %d %.1f s after the freeze;"
                    + " its task was handed on %.1f s after it (ttl %d s)%n", exit, haltedAfter, handedOverAfter,
                    TTL.toSeconds());
            assertThat(failed.state()).isEqualTo(TaskState.FAILED);
            assertThat(cutOff.exitedAt())
                    .as("the cut-off worker halted (%.1f s after the freeze) before its task was failed and its"
                            + " resource freed (%.1f s after); log %s", haltedAfter, handedOverAfter, cutOff.log())
                    .isBefore(failed.finishedAt());
            assertThat(exit).isEqualTo(4);
        } finally {
            env.pgBouncer().thaw();
        }
        UUID after = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive("repository:P"));
        assertThat(env.awaitFinal(after, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(healthy.alive()).isTrue();
        env.assertInvariants();
    }
}
