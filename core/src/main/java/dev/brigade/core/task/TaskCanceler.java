package dev.brigade.core.task;

import dev.brigade.core.db.ConflictRetry;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.NotFoundException;
import dev.brigade.core.error.StateConflictException;
import dev.brigade.core.signal.CancelSignal;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * Cancel, from any process: an incomplete task moves to canceling; its holder hears {@code cancel}
 * and stops the handler; a task nobody holds is claimed by a worker on {@code handle} and finished
 * as canceled. Already canceled: unchanged. Another final state: a conflict.
 */
@ApplicationScoped
public class TaskCanceler {
    private final Pool pool;

    public TaskCanceler(Pool pool) {
        this.pool = pool;
    }

    /** Cancels one task; the state it is in afterwards (run again when a lock cycle aborted it). */
    public Uni<TaskState> cancel(UUID id) {
        return ConflictRetry.inTransaction(pool, tx -> cancelIn(tx, id));
    }

    /** The cancel statements on a caller's transaction (signals go out at its commit). */
    public Uni<TaskState> cancelIn(SqlClient tx, UUID id) {
        return TaskStore.requestCancel(tx, id).chain(requested -> requested.isPresent()
                ? signalCanceled(tx, id, requested.get()).replaceWith(TaskState.CANCELING)
                : TaskStore.state(tx, id).map(state -> alreadyDone(id, state)));
    }

    /** Tells the holder of a task just moved to canceling, or (none) a worker to finish it. */
    public static Uni<Void> signalCanceled(SqlClient tx, UUID id, Optional<UUID> holder) {
        return holder.isPresent()
                ? SignalPublisher.send(tx, Signal.CANCEL, new CancelSignal(id, holder).payload())
                : SignalPublisher.send(tx, Signal.HANDLE);
    }

    private static TaskState alreadyDone(UUID id, Optional<TaskState> state) {
        TaskState current = state.orElseThrow(() -> new NotFoundException("task " + id));
        if (current == TaskState.CANCELED || current == TaskState.CANCELING) {
            return current;
        }
        throw new StateConflictException("task " + id + " is already " + current.dbName() + " and cannot be canceled");
    }
}
