package dev.brigade.core.dispatch;

import dev.brigade.core.db.Json;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Dispatch: validate, then in one transaction take the resource locks, insert the task and its
 * reservation rows, check at once whether it is free (stamping it unblocked), and signal
 * {@code handle} when it is. Nothing is written when validation fails.
 */
@ApplicationScoped
public class Dispatcher {
    public static final int MAX_ARGS_BYTES = 1024 * 1024;
    public static final int MAX_CID_LENGTH = 256;

    private final Pool pool;
    private final TaskHandlers handlers;

    public Dispatcher(Pool pool, TaskHandlers handlers) {
        this.pool = pool;
        this.handlers = handlers;
    }

    /** The result of a dispatch: the task as committed, and whether it was free at once. */
    public record Dispatched(Task task, boolean unblocked) {
    }

    public Uni<Dispatched> dispatch(DispatchRequest request) {
        TaskStore.NewTask row;
        try {
            row = validate(request);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return pool.withTransaction(tx -> dispatchIn(tx, row))
                .onFailure(PgException.class).transform(Dispatcher::translate);
    }

    /** The dispatch statements on a caller's transaction (the caller commits). */
    public Uni<Dispatched> dispatchIn(SqlClient tx, TaskStore.NewTask row) {
        return TaskStore.lockResources(tx, row.reservations())
                .chain(() -> TaskStore.insert(tx, row))
                .chain(() -> TaskStore.unblockIfFree(tx, row.id()))
                .call(free -> free ? SignalPublisher.send(tx, Signal.HANDLE) : Uni.createFrom().voidItem())
                .chain(free -> TaskStore.findById(tx, row.id()).map(task -> new Dispatched(task.orElseThrow(), free)));
    }

    /** Checks every rule of the contract; throws with all bad fields named. */
    public TaskStore.NewTask validate(DispatchRequest request) {
        List<FieldError> errors = new ArrayList<>();
        TaskHandler handler = null;
        if (request.name() == null || request.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else {
            handler = handlers.find(request.name()).orElse(null);
            if (handler == null) {
                errors.add(new FieldError("name", "no task handler is named '" + request.name() + "'"));
            }
        }
        if (!request.args().isObject()) {
            errors.add(new FieldError("args", "must be a JSON object"));
        }
        if (!request.immediate() && !request.deferred()) {
            errors.add(new FieldError("deferred", "a task that is not immediate must be deferred"));
        }
        if (request.immediate() && handler != null && !handler.mayRunImmediately()) {
            errors.add(new FieldError("immediate", "task handler '" + handler.name() + "' may not run immediately"));
        }
        if (request.loggingCid() != null && (request.loggingCid().isBlank()
                || request.loggingCid().length() > MAX_CID_LENGTH
                || request.loggingCid().chars().anyMatch(Character::isISOControl))) {
            errors.add(new FieldError("logging_cid", "must be 1.." + MAX_CID_LENGTH + " characters without control characters"));
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
