package dev.brigade.api.group;

import dev.brigade.core.db.TaskGroupStore;
import dev.brigade.core.error.NotFoundException;
import dev.brigade.core.error.StateConflictException;
import dev.brigade.core.task.TaskCanceler;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Cancels a group in one transaction: marked all dispatched, then each waiting or running task
 * moved to canceling through the same path as a single cancel (its signals go out at commit).
 */
@ApplicationScoped
public class TaskGroupCancel {
    private final Pool pool;
    private final TaskCanceler canceler;

    public TaskGroupCancel(Pool pool, TaskCanceler canceler) {
        this.pool = pool;
        this.canceler = canceler;
    }

    public Uni<Void> cancel(UUID group) {
        return pool.withTransaction(tx -> TaskGroupStore.markAllDispatched(tx, group)
                .invoke(found -> {
                    if (!found) {
                        throw new NotFoundException("task group " + group);
                    }
                })
                .chain(() -> TaskGroupStore.cancelableTaskIds(tx, group))
                .chain(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> canceler.cancelIn(tx, id)
                                // finished meanwhile: nothing left to cancel for that one
                                .onFailure(StateConflictException.class).recoverWithItem(TaskState.COMPLETED))
                        .collect().last())
                .replaceWithVoid());
    }
}
