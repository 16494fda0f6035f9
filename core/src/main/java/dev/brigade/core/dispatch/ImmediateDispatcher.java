package dev.brigade.core.dispatch;

import dev.brigade.core.db.ImmediateSql;
import dev.brigade.core.db.TaskRows;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Dispatch of an immediate task by the process that will run it, in one transaction: insert as
 * usual, then, when nothing earlier conflicts, take the task at once (so no worker gets it first).
 * When something does conflict, a deferrable task is left to the workers and any other is
 * finished canceled, "resources temporarily unavailable".
 */
@ApplicationScoped
public class ImmediateDispatcher {
    public static final String UNAVAILABLE = "resources temporarily unavailable";

    private final Pool pool;
    private final Dispatcher dispatcher;

    public ImmediateDispatcher(Pool pool, Dispatcher dispatcher) {
        this.pool = pool;
        this.dispatcher = dispatcher;
    }

    /** What happened to the task. */
    public enum Outcome { HELD_BY_ME, LEFT_TO_WORKERS, REFUSED }

    /** The task as committed (with its args when held by me, for the runner) and its outcome. */
    public record Immediate(Task task, Outcome outcome) {
    }

    /** $me: the app_status id of the calling process, which must be registered. */
    public Uni<Immediate> dispatch(DispatchRequest request, UUID me, String myName) {
        TaskStore.NewTask row;
        try {
            row = dispatcher.validate(request);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return pool.withTransaction(tx -> dispatcher.dispatchIn(tx, row).chain(dispatched -> {
                    if (dispatched.unblocked()) {
                        return claim(tx, row.id(), me, myName).map(task -> new Immediate(task, Outcome.HELD_BY_ME));
                    }
                    if (row.deferred()) {
                        return Uni.createFrom().item(new Immediate(dispatched.task(), Outcome.LEFT_TO_WORKERS));
                    }
                    return claim(tx, row.id(), me, myName)
                            .chain(task -> refuse(tx, task, me))
                            .chain(() -> TaskStore.findById(tx, row.id()))
                            .map(task -> new Immediate(task.orElseThrow(), Outcome.REFUSED));
                }))
                .onFailure(PgException.class).transform(Dispatcher::translate);
    }

    private static Uni<Task> claim(SqlClient tx, UUID id, UUID me, String myName) {
        return tx.preparedQuery(ImmediateSql.CLAIM_DISPATCHED).execute(Tuple.of(id, me, myName))
                .map(rows -> TaskRows.map(rows.iterator().next()));
    }

    /** The resource locks are still held by this transaction (taken by the insert). */
    private static Uni<Void> refuse(SqlClient tx, Task task, UUID me) {
        var error = TaskErrors.description(UNAVAILABLE);
        return TaskStore.finish(tx, new TaskStore.Finish(task.id(), me, TaskState.CANCELED, null, error,
                        TaskState.CANCELED, error))
                .chain(() -> SignalPublisher.send(tx, Signal.UNBLOCK));
    }
}
