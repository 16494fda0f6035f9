package dev.brigade.core.dispatch;

import dev.brigade.core.db.ImmediateSql;
import dev.brigade.core.db.TaskRows;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.handler.HandlerCatalog;
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

import java.util.Collections;
import java.util.UUID;

/**
 * Dispatch of an immediate task by the process that will run it, in one transaction: insert as
 * usual, then, when nothing earlier conflicts, take the task at once (so no worker gets it first).
 * When something does conflict, a deferrable task is left to the workers and any other is
 * finished canceled, "resources temporarily unavailable".
 *
 * <p>A process without the handler's code ({@code runHere} false) gets the same answer to a
 * conflict, so {@code deferred: false} keeps its meaning (the task never waits behind another);
 * a free task is left to the workers, which claim immediate tasks first.
 */
@ApplicationScoped
public class ImmediateDispatcher {
    public static final String UNAVAILABLE = "resources temporarily unavailable";

    private final Pool pool;
    private final Dispatcher dispatcher;
    private final HandlerCatalog catalog;

    public ImmediateDispatcher(Pool pool, Dispatcher dispatcher, HandlerCatalog catalog) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.catalog = catalog;
    }

    /** What happened to the task. */
    public enum Outcome { HELD_BY_ME, LEFT_TO_WORKERS, REFUSED }

    /** The task as committed (with its args when held by me, for the runner) and its outcome. */
    public record Immediate(Task task, Outcome outcome) {
    }

    /**
     * $me: the app_status id of the calling process, which must be registered; {@code runHere}:
     * whether it has the handler's code (else a free task is left to the workers).
     */
    public Uni<Immediate> dispatch(DispatchRequest request, UUID me, String myName, boolean runHere) {
        return catalog.knowing(Collections.singletonList(request.name()))
                .map(known -> dispatcher.validate(request, known))
                .chain(row -> dispatchValidated(row, me, myName, runHere));
    }

    private Uni<Immediate> dispatchValidated(TaskStore.NewTask row, UUID me, String myName, boolean runHere) {
        return pool.withTransaction(tx -> dispatcher.dispatchIn(tx, row).chain(dispatched -> {
                    if (dispatched.unblocked() && runHere) {
                        return claim(tx, row.id(), me, myName).map(task -> new Immediate(task, Outcome.HELD_BY_ME));
                    }
                    if (dispatched.unblocked() || row.deferred()) {
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
