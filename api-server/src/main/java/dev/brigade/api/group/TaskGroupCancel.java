package dev.brigade.api.group;

import dev.brigade.core.db.ConflictRetry;
import dev.brigade.core.db.TaskGroupStore;
import dev.brigade.core.error.NotFoundException;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.core.task.TaskCanceler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Cancels a group in one short transaction: marked all dispatched, then every waiting or running
 * task moved to canceling in one statement that locks them in id order (TaskGroupSql.CANCEL_TASKS);
 * a held task's holder hears {@code cancel}, and {@code handle} goes out once for the others
 * (signals leave at commit). A lock cycle that still aborts it is run again (ConflictRetry).
 */
@ApplicationScoped
public class TaskGroupCancel {
    private final Pool pool;

    public TaskGroupCancel(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> cancel(UUID group) {
        return ConflictRetry.inTransaction(pool, tx -> TaskGroupStore.markAllDispatched(tx, group)
                .invoke(found -> {
                    if (!found) {
                        throw new NotFoundException("task group " + group);
                    }
                })
                .chain(() -> TaskGroupStore.cancelTasks(tx, group))
                .chain(canceled -> {
                    Uni<Void> signals = canceled.stream().anyMatch(t -> t.holder().isEmpty())
                            ? SignalPublisher.send(tx, Signal.HANDLE) : Uni.createFrom().voidItem();
                    return signals.chain(() -> Multi.createFrom().iterable(canceled)
                            .filter(t -> t.holder().isPresent())
                            .onItem().transformToUniAndConcatenate(t -> TaskCanceler.signalCanceled(tx, t.id(), t.holder()))
                            .collect().last());
                })
                .replaceWithVoid());
    }
}
