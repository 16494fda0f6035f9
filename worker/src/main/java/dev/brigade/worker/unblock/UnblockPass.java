package dev.brigade.worker.unblock;

import dev.brigade.core.db.TaskStore;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Turns released resources into unblocked tasks, one process at a time: the transaction-level
 * advisory lock is tried, never waited for. The winner repeats until no release is left, also
 * those committed while it worked, so a loser may skip safely. Signals {@code handle} with the
 * commit when it stamped anything.
 */
@ApplicationScoped
public class UnblockPass {
    private static final Logger LOG = Logger.getLogger(UnblockPass.class);

    private final Pool pool;
    private final int batch;
    private final WorkerMetrics metrics;

    public UnblockPass(Pool pool, WorkerConfig config, WorkerMetrics metrics) {
        this.pool = pool;
        this.batch = config.unblockBatch();
        this.metrics = metrics;
    }

    /** Runs passes until nothing is pending or another process holds the lock; the tasks stamped. */
    public long run() {
        return metrics.unblockTimer().record((java.util.function.Supplier<Long>) this::passes);
    }

    private long passes() {
        long stamped = 0;
        while (Db.await(TaskStore.releasesPending(pool))) {
            Long step = Db.await(pool.withTransaction(tx -> TaskStore.tryUnblockerLock(tx).chain(acquired -> acquired
                    ? drain(tx).call(n -> n > 0 ? SignalPublisher.send(tx, Signal.HANDLE) : Uni.createFrom().voidItem())
                    : Uni.createFrom().item(-1L))));
            if (step < 0) {
                break; // another process is unblocking; it re-checks after its commit
            }
            stamped += step;
        }
        if (stamped > 0) {
            LOG.debugf("unblocked %d task(s)", stamped);
        }
        return stamped;
    }

    private Uni<Long> drain(io.vertx.mutiny.sqlclient.SqlClient tx) {
        return TaskStore.unblockReleased(tx, batch).chain(step -> step.consumed() < batch
                ? Uni.createFrom().item(step.stamped())
                : drain(tx).map(more -> more + step.stamped()));
    }
}
