package dev.brigade.worker.claim;

import dev.brigade.core.db.TaskStore;
import dev.brigade.core.task.Task;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Claims the next task this worker may take (see TaskSql.CLAIM_NEXT): one statement, no transaction held. */
@ApplicationScoped
public class TaskClaimer {
    private final Pool pool;
    private final TaskStore.ClaimNext claim;
    private final WorkerMetrics metrics;

    public TaskClaimer(Pool pool, WorkerIdentity identity, WorkerConfig config, WorkerMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        this.claim = new TaskStore.ClaimNext(identity.id(), identity.name(), identity.versions());
    }

    public Optional<Task> claimNext() {
        return metrics.claimTimer().record((java.util.function.Supplier<Optional<Task>>) () -> Db.await(TaskStore.claimNext(pool, claim)));
    }
}
