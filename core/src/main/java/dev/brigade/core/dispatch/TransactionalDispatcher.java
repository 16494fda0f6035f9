package dev.brigade.core.dispatch;

import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Dispatch in the caller's own transaction (an application's Vert.x reactive PostgreSQL client:
 * a {@code SqlConnection} on which it began a transaction, or the client
 * {@code Pool.withTransaction} hands it): the task rows are written by the caller's
 * transaction, so they commit together with the application's own rows, or not at all.
 * See docs/dispatch-from-code.md.
 *
 * <ul>
 * <li>Validation is the API's ({@link DispatchRules}): the name must be one a live worker
 * advertises, one configured as known ({@code brigade.handlers.known}) or one this program has
 * itself, read through {@link HandlerCatalog} (the advertised names are read, when they must be,
 * on the caller's client). A bad request fails with {@link InvalidRequestException} (every bad
 * field named) or {@link PayloadTooLargeException} before any statement runs: nothing is written
 * and the transaction is still usable. An immediate task is refused
 * ({@link DispatchRules#IMMEDIATE_IN_TRANSACTION}).</li>
 * <li>A task group or parent task that does not exist fails with InvalidRequestException on
 * {@code task_group} / {@code parent_task}, from the database's foreign key: that statement
 * failed, so the transaction is aborted and must be rolled back.</li>
 * <li>The signal that wakes a worker (NOTIFY inside {@code brigade_dispatch}) is PostgreSQL's:
 * delivered when the caller commits, dropped when it rolls back.</li>
 * </ul>
 *
 * <p>The dispatch takes the resource advisory locks (transaction-level) of its tasks: a caller's
 * transaction holds them until it ends, so keep it short once it has dispatched, as any other
 * dispatch or completion of a conflicting task waits for it.
 */
@ApplicationScoped
public class TransactionalDispatcher {
    private final Dispatcher dispatcher;
    private final HandlerCatalog catalog;

    public TransactionalDispatcher(Dispatcher dispatcher, HandlerCatalog catalog) {
        this.dispatcher = dispatcher;
        this.catalog = catalog;
    }

    /** Dispatches one task in {@code transaction} (the caller commits); the task as written, {@code waiting}. */
    public Uni<Task> dispatch(SqlClient transaction, DispatchRequest request) {
        return dispatchAll(transaction, List.of(request)).map(List::getFirst);
    }

    /**
     * Dispatches tasks in {@code transaction}, all or nothing, in the order given (conflicting ones
     * run in that order), in one statement; bad fields are named {@code tasks[i].field} when there
     * are several.
     */
    public Uni<List<Task>> dispatchAll(SqlClient transaction, List<DispatchRequest> requests) {
        List<String> names = requests.stream().map(r -> r == null ? null : r.name()).toList();
        return catalog.knowing(transaction, names)
                .map(known -> DispatchRules.validateForTransaction(requests, known))
                .chain(rows -> dispatcher.dispatchAllIn(transaction, rows))
                .map(dispatched -> dispatched.stream().map(Dispatcher.Dispatched::task).toList())
                .onFailure(PgException.class).transform(Dispatcher::translate);
    }
}
