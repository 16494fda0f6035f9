package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.FreezableLink;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker whose database link hangs (no error, no answer, as in a network partition) must halt
 * within two thirds of its ttl (exit code 4), before another worker can judge it missing and hand
 * its task's resources on while its handler still runs (DESIGN: "a worker that claims to be online
 * is online"; WorkerLifecycle: "halts the process before anyone could judge it missing").
 * <p>
 * The hang in each connection mode: through PgBouncer (pgbouncer+poll, pgbouncer+listen) PgBouncer
 * is frozen (SIGSTOP); in pgbouncer+listen the LISTEN session goes straight to PostgreSQL and
 * stays up, and the worker must halt all the same. In direct mode there is no pooler to freeze:
 * the cut-off worker reaches PostgreSQL (both of its URLs) through a {@link FreezableLink}, which
 * is frozen. The healthy worker is direct in every mode.
 */
@Timeout(180)
class DatabaseUnreachableIT {
    private static final Duration TTL = Duration.ofSeconds(6);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aWorkerCutOffFromTheDatabaseHaltsBeforeItsTaskIsHandedOn(ConnectionMode mode) {
        try (Partition partition = Partition.of(mode)) {
            cutOffWorkerHaltsBeforeItsTaskIsHandedOn(mode, partition);
        }
    }

    private static void cutOffWorkerHaltsBeforeItsTaskIsHandedOn(ConnectionMode mode, Partition partition) {
        String p = "repository:P-" + mode.name();
        WorkerProcess cutOff = partition.startWorker(WorkerSpec.of(mode).concurrency(1).ttl(TTL));
        UUID id = env.dispatcher().dispatch(TaskSpec.sleep(300).exclusive(p));
        env.awaitState(id, TaskState.RUNNING, Duration.ofSeconds(30));
        WorkerProcess healthy = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT).concurrency(1).ttl(TTL));

        Instant frozenAt = env.tasks().now();
        partition.freeze();
        try {
            TaskRecord failed = env.awaitFinal(id, Duration.ofSeconds(60));
            int exit = cutOff.awaitExit(Duration.ofSeconds(60));
            double handedOverAfter = Duration.between(frozenAt, failed.finishedAt()).toMillis() / 1000.0;
            double haltedAfter = Duration.between(frozenAt, cutOff.exitedAt()).toMillis() / 1000.0;
            System.out.printf("[db-unreachable] %s: the cut-off worker exited with %d %.1f s after the freeze;"
                    + " its task was handed on %.1f s after it (ttl %d s)%n", mode, exit, haltedAfter, handedOverAfter,
                    TTL.toSeconds());
            assertThat(failed.state()).isEqualTo(TaskState.FAILED);
            assertThat(cutOff.exitedAt())
                    .as("the cut-off worker halted (%.1f s after the freeze) before its task was failed and its"
                            + " resource freed (%.1f s after); log %s", haltedAfter, handedOverAfter, cutOff.log())
                    .isBefore(failed.finishedAt());
            assertThat(exit).isEqualTo(4);
        } finally {
            partition.thaw();
        }
        UUID after = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(p));
        assertThat(env.awaitFinal(after, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(healthy.alive()).isTrue();
        env.assertInvariants();
    }

    /** What cuts the worker off in a mode: PgBouncer frozen, or a link of the worker's own frozen. */
    private record Partition(ConnectionMode mode, FreezableLink link) implements AutoCloseable {
        static Partition of(ConnectionMode mode) {
            return new Partition(mode, mode.throughPgBouncer() ? null : FreezableLink.to(env.dbUrl(mode)));
        }

        /** Starts the worker to be cut off: through PgBouncer, or with both of its URLs through the link. */
        WorkerProcess startWorker(WorkerSpec spec) {
            if (link == null) {
                return env.startWorker(spec);
            }
            String throughLink = link.url(env.dbUrl(mode));
            return env.startWorkers(1, spec, throughLink, throughLink).getFirst();
        }

        void freeze() {
            if (link == null) {
                env.pgBouncer().freeze();
            } else {
                link.freeze();
            }
        }

        void thaw() {
            if (link == null) {
                env.pgBouncer().thaw();
            } else {
                link.thaw();
            }
        }

        @Override
        public void close() {
            if (link != null) {
                link.close();
            }
        }
    }
}
