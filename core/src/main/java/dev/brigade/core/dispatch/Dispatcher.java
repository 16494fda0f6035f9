package dev.brigade.core.dispatch;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Dispatch: validate (the name against the handlers the fleet knows, see {@link HandlerCatalog}:
 * usually no query), then one statement takes the resource locks, inserts the tasks and their
 * reservation rows (a task free at once is written unblocked) and signals {@code handle} when any
 * is free (TaskSql.DISPATCH). Nothing is written when validation fails.
 */
@ApplicationScoped
public class Dispatcher {
    public static final int MAX_ARGS_BYTES = DispatchRules.MAX_ARGS_BYTES;
    public static final int MAX_CID_LENGTH = DispatchRules.MAX_CID_LENGTH;
    public static final int MAX_RESOURCES_PER_CALL = DispatchRules.MAX_RESOURCES_PER_CALL;
    public static final String LOGGING_CID_RULE = DispatchRules.LOGGING_CID_RULE;

    private final Pool pool;
    private final HandlerCatalog catalog;

    public Dispatcher(Pool pool, HandlerCatalog catalog) {
        this.pool = pool;
        this.catalog = catalog;
    }

    /** The result of a dispatch: the task as committed, and whether it was free at once. */
    public record Dispatched(Task task, boolean unblocked) {
    }

    /**
     * Validates and dispatches one task: one round trip, its own transaction (two when the name
     * is not among the handler names this process last read).
     */
    public Uni<Dispatched> dispatch(DispatchRequest request) {
        return catalog.knowing(Collections.singletonList(request.name()))
                .map(known -> validate(request, known))
                .chain(row -> dispatchIn(pool, row))
                .onFailure(PgException.class).transform(Dispatcher::translate);
    }

    /**
     * Dispatches tasks that {@link #validate(DispatchRequest, KnownHandlers)} accepted (the bulk dispatch, with rules of its own on
     * top): one round trip, all or nothing, in the order given, at most MAX_RESOURCES_PER_CALL
     * distinct resources.
     */
    public Uni<List<Dispatched>> dispatchValidated(List<TaskStore.NewTask> rows) {
        try {
            DispatchRules.checkResourceCount(rows);
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(e);
        }
        return dispatchAllIn(pool, rows).onFailure(PgException.class).transform(Dispatcher::translate);
    }

    /** The dispatch statement on a caller's client (a transaction: the caller commits). */
    public Uni<Dispatched> dispatchIn(SqlClient client, TaskStore.NewTask row) {
        return dispatchAllIn(client, List.of(row)).map(List::getFirst);
    }

    /** Many tasks in one statement on a caller's client, in the order given. */
    public Uni<List<Dispatched>> dispatchAllIn(SqlClient client, List<TaskStore.NewTask> rows) {
        return TaskBatchStore.dispatch(client, rows).map(written -> {
            Map<UUID, TaskBatchStore.DispatchedRow> byId = new java.util.HashMap<>();
            written.forEach(w -> byId.put(w.id(), w));
            List<Dispatched> dispatched = new ArrayList<>(rows.size());
            for (TaskStore.NewTask row : rows) {
                TaskBatchStore.DispatchedRow w = byId.get(row.id());
                if (w == null) {
                    throw new IllegalStateException("dispatch wrote no row for task " + row.id());
                }
                dispatched.add(new Dispatched(DispatchRules.asWritten(row, w.createdAt(), w.unblockedAt()),
                        w.unblockedAt() != null));
            }
            return dispatched;
        });
    }

    /**
     * Checks every rule of the contract, the name against {@code known} (from
     * {@link HandlerCatalog#knowing}); throws with all bad fields named.
     */
    public TaskStore.NewTask validate(DispatchRequest request, KnownHandlers known) {
        return DispatchRules.validate(request, known);
    }

    /** A logging cid the contract accepts (one a caller may check once for many tasks). */
    public static boolean acceptsLoggingCid(String cid) {
        return DispatchRules.acceptsLoggingCid(cid);
    }

    /** Foreign keys name the field the caller got wrong; anything else is not the caller's fault. */
    static RuntimeException translate(Throwable failure) {
        if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())) {
            Optional<InvalidRequestException> callers = DispatchRules.foreignKeyViolation(pg.getConstraint());
            if (callers.isPresent()) {
                return callers.get();
            }
        }
        return failure instanceof RuntimeException r ? r : new RuntimeException(failure);
    }

}
