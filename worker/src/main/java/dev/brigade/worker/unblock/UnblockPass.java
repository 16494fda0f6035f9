package dev.brigade.worker.unblock;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * Turns released resources into unblocked tasks, one process at a time, one statement a step
 * (ReservationSql.UNBLOCK_STEP): the unblocker's lock is tried, never waited for. The holder
 * repeats until a step finds nothing pending, a look taken without the lock, so the release of a
 * process that skipped is always seen. The step notifies {@code handle} when it stamped anything.
 * Runs only when this worker recorded releases, a signal asked for it, or the safety poll.
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

    /** Runs steps until nothing is pending or another process holds the lock; the tasks stamped. */
    public long run() {
        return metrics.unblockTimer().record((Supplier<Long>) this::steps);
    }

    private long steps() {
        long stamped = 0;
        while (true) {
            TaskBatchStore.UnblockStep step = Db.await(TaskBatchStore.unblockStep(pool, batch));
            stamped += step.stamped();
            if (!step.acquired() || step.consumed() == 0) {
                break; // nothing pending, or another process is unblocking (its last look sees ours)
            }
        }
        if (stamped > 0) {
            LOG.debugf("unblocked %d task(s)", stamped);
        }
        return stamped;
    }
}
