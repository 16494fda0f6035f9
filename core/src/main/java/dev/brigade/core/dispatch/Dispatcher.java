package dev.brigade.core.dispatch;

import dev.brigade.core.db.Json;
import dev.brigade.core.db.StorableText;
import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.reservation.Reservation;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Dispatch: validate (the name against the handlers the fleet knows, see {@link HandlerCatalog}:
 * usually no query), then one statement takes the resource locks, inserts the tasks and their
 * reservation rows (a task free at once is written unblocked) and signals {@code handle} when any
 * is free (TaskSql.DISPATCH). Nothing is written when validation fails.
 */
@ApplicationScoped
public class Dispatcher {
    public static final int MAX_ARGS_BYTES = 1024 * 1024;
    public static final int MAX_CID_LENGTH = 256;
    /**
     * One dispatch call takes an advisory lock per distinct resource in one transaction, from
     * PostgreSQL's shared lock table (max_locks_per_transaction x max_connections slots: 6,400
     * by default); a bulk may use this many of them.
     */
    public static final int MAX_RESOURCES_PER_CALL = 2000;
    public static final String LOGGING_CID_RULE = "must be 1.." + MAX_CID_LENGTH + " characters without control characters";

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
        long distinct = rows.stream().flatMap(row -> row.reservations().all().stream())
                .map(Reservation::resource).distinct().count();
        if (distinct > MAX_RESOURCES_PER_CALL) {
            return Uni.createFrom().failure(new InvalidRequestException("tasks", "at most " + MAX_RESOURCES_PER_CALL
                    + " distinct resources (domains included) in one dispatch call, this one names " + distinct
                    + "; split it"));
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
                dispatched.add(new Dispatched(asWritten(row, w), w.unblockedAt() != null));
            }
            return dispatched;
        });
    }

    /** The task as the dispatch statement wrote it (no need to read it back). */
    private static Task asWritten(TaskStore.NewTask row, TaskBatchStore.DispatchedRow written) {
        return new Task(row.id(), row.name(), TaskState.WAITING, null, null, null, row.loggingCid(),
                written.createdAt(), written.unblockedAt(), null, null, row.reservations().encoded(),
                row.immediate(), row.deferred(), row.reservations().domain(), row.parentTask(), row.taskGroup(),
                Json.MAPPER.valueToTree(row.versions() == null ? Map.of() : row.versions()), null, null);
    }

    /**
     * Checks every rule of the contract, the name against {@code known} (from
     * {@link HandlerCatalog#knowing}); throws with all bad fields named.
     */
    public TaskStore.NewTask validate(DispatchRequest request, KnownHandlers known) {
        List<FieldError> errors = new ArrayList<>();
        boolean nameKnown = false;
        if (request.name() == null || request.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (StorableText.hasNul(request.name())) {
            errors.add(new FieldError("name", StorableText.NUL_RULE));
        } else if (known.knows(request.name())) {
            nameKnown = true;
        } else {
            errors.add(new FieldError("name", "no task handler is named '" + request.name()
                    + "'; the known names: " + String.join(", ", known.names())));
        }
        if (!request.args().isObject()) {
            errors.add(new FieldError("args", "must be a JSON object"));
        } else if (StorableText.hasNul(request.args())) {
            errors.add(new FieldError("args", "a key or string value " + StorableText.NUL_RULE));
        }
        if (StorableText.hasNul(request.versions())) {
            errors.add(new FieldError("versions", "a component or version " + StorableText.NUL_RULE));
        }
        if (!request.immediate() && !request.deferred()) {
            errors.add(new FieldError("deferred", "a task that is not immediate must be deferred"));
        }
        if (request.immediate() && nameKnown && !known.mayRunImmediately(request.name())) {
            errors.add(new FieldError("immediate", "task handler '" + request.name() + "' may not run immediately"));
        }
        if (request.loggingCid() != null && !acceptsLoggingCid(request.loggingCid())) {
            errors.add(new FieldError("logging_cid", LOGGING_CID_RULE));
        }
        Reservations reservations = null;
        try {
            reservations = Reservations.of(request.exclusiveResources(), request.sharedResources(), request.domain());
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        String args = Json.write(request.args());
        if (args.getBytes(StandardCharsets.UTF_8).length > MAX_ARGS_BYTES) {
            throw new PayloadTooLargeException("args", "args must be at most 1 MiB encoded");
        }
        Map<String, String> versions = request.versions() == null
                ? BrigadeVersion.components() : new LinkedHashMap<>(request.versions());
        String cid = request.loggingCid() != null ? request.loggingCid() : UUID.randomUUID().toString().replace("-", "");
        return new TaskStore.NewTask(UUID.randomUUID(), request.name(), request.args(), cid, reservations,
                request.immediate(), request.deferred(), request.parentTask(), request.taskGroup(), versions);
    }

    /** A logging cid the contract accepts (one a caller may check once for many tasks). */
    public static boolean acceptsLoggingCid(String cid) {
        return !cid.isBlank() && cid.length() <= MAX_CID_LENGTH && cid.chars().noneMatch(Character::isISOControl);
    }

    /** Foreign keys name the field the caller got wrong; anything else is not the caller's fault. */
    static RuntimeException translate(Throwable failure) {
        if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())) {
            String constraint = String.valueOf(pg.getConstraint());
            if (constraint.contains("task_group")) {
                return new InvalidRequestException("task_group", "no task group has this id");
            }
            if (constraint.contains("parent_task")) {
                return new InvalidRequestException("parent_task", "no task has this id");
            }
        }
        return failure instanceof RuntimeException r ? r : new RuntimeException(failure);
    }

}
