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
        long frozenNanos = System.nanoTime();
        env.pgBouncer().freeze();
        try {
            TaskRecord failed = env.awaitFinal(id, Duration.ofSeconds(60));
            boolean haltedBeforeHandOver = !cutOff.alive();
            double handedOverAfter = Duration.between(frozenAt, failed.finishedAt()).toMillis() / 1000.0;
            int exit = cutOff.awaitExit(Duration.ofSeconds(60));
            double haltedAfter = (System.nanoTime() - frozenNanos) / 1e9;
            System.out.printf("[db-unreachable] task handed on %.1f s after the freeze; the cut-off worker exited"
                    + " with %d by %.1f s (ttl %d s)%n", handedOverAfter, exit, haltedAfter, TTL.toSeconds());
            assertThat(failed.state()).isEqualTo(TaskState.FAILED);
            assertThat(haltedBeforeHandOver)
                    .as("the cut-off worker had halted before its task was failed and its resource freed "
                            + "(handed on %.1f s after the freeze; it exited %.1f s after); log %s",
                            handedOverAfter, haltedAfter, cutOff.log())
                    .isTrue();
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
