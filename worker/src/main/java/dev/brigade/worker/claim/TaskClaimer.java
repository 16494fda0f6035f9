package dev.brigade.worker.claim;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Claims up to a number of tasks this worker may take (TaskSql.CLAIM_BATCH: waiting tasks of the
 * handlers it runs, and tasks of any name to finish canceled or failed): one statement, no
 * transaction held; the first waiting ones, as many as it has slots reserved for, come back
 * started, the others held. Returned in claim order (immediate first, then FIFO), the order they
 * are started in.
 */
@ApplicationScoped
public class TaskClaimer {
    private static final Comparator<TaskBatchStore.Claimed> CLAIM_ORDER = Comparator
            .comparing((TaskBatchStore.Claimed c) -> !c.task().immediate())
            .thenComparing(c -> c.task().createdAt())
            .thenComparing(c -> c.task().id());

    private final Pool pool;
    private final TaskStore.ClaimNext claim;
    private final WorkerMetrics metrics;

    public TaskClaimer(Pool pool, WorkerIdentity identity, TaskHandlers handlers, WorkerMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        // the names it advertises: in a mixed fleet it takes only tasks it can run
        this.claim = new TaskStore.ClaimNext(identity.id(), identity.name(), identity.versions(), handlers.names());
    }

    public List<TaskBatchStore.Claimed> claim(int limit, int startNow) {
        return metrics.claimTimer().record((Supplier<List<TaskBatchStore.Claimed>>) () -> Db
                .await(TaskBatchStore.claim(pool, claim, limit, startNow)).stream().sorted(CLAIM_ORDER).toList());
    }
}
