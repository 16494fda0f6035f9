package dev.brigade.core.dispatch;

import dev.brigade.core.db.Json;
import dev.brigade.core.db.StorableText;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.reservation.Reservation;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The rules of a dispatch, with no database client: every entry point (the REST API, a handler's
 * children, a schedule, a caller's own Vert.x or JDBC transaction) checks a request here before
 * anything is written. Kept free of Vert.x and Quarkus types so that brigade-client's JDBC
 * dispatch runs on a plain JVM.
 */
public final class DispatchRules {
    public static final int MAX_ARGS_BYTES = 1024 * 1024;
    public static final int MAX_CID_LENGTH = 256;
    /**
     * One dispatch call takes an advisory lock per distinct resource in one transaction, from
     * PostgreSQL's shared lock table (max_locks_per_transaction x max_connections slots: 6,400
     * by default); a bulk may use this many of them.
     */
    public static final int MAX_RESOURCES_PER_CALL = 2000;
    public static final String LOGGING_CID_RULE = "must be 1.." + MAX_CID_LENGTH + " characters without control characters";
    /**
     * Why a caller's transaction takes no immediate task: an immediate task runs in the dispatching
     * request, before the caller's transaction has committed (its worker could not even see it),
     * and the refusal of a conflicting one would need a process that holds tasks.
     */
    public static final String IMMEDIATE_IN_TRANSACTION = "an immediate task cannot be dispatched in the caller's"
            + " transaction; dispatch it with POST /api/v1/tasks";

    private DispatchRules() {
    }

    /**
     * Checks every rule of the contract, the name against {@code known}; throws with all bad
     * fields named ({@link InvalidRequestException}), or {@link PayloadTooLargeException} for
     * args over 1 MiB. Nothing is written either way.
     */
    public static TaskStore.NewTask validate(DispatchRequest request, KnownHandlers known) {
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

    /**
     * The rules of a dispatch in a caller's own transaction, for one task or many (all or
     * nothing, in the order given): {@link #validate} for each, no immediate task, and at most
     * {@link #MAX_RESOURCES_PER_CALL} distinct resources in all. With more than one request the
     * fields are named {@code tasks[i].field}, as the bulk API names them.
     */
    public static List<TaskStore.NewTask> validateForTransaction(List<DispatchRequest> requests, KnownHandlers known) {
        if (requests.isEmpty()) {
            throw new InvalidRequestException("tasks", "must name at least one task");
        }
        boolean single = requests.size() == 1;
        List<TaskStore.NewTask> rows = new ArrayList<>(requests.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            DispatchRequest request = requests.get(i);
            String at = single ? "" : "tasks[" + i + "].";
            if (request == null) {
                errors.add(new FieldError(single ? "tasks" : "tasks[" + i + "]", "must not be null"));
                continue;
            }
            if (request.immediate()) {
                errors.add(new FieldError(at + "immediate", IMMEDIATE_IN_TRANSACTION));
            }
            try {
                rows.add(validate(request.immediate() ? asDeferred(request) : request, known));
            } catch (InvalidRequestException e) {
                e.errors().forEach(error -> errors.add(new FieldError(at + error.field(), error.message())));
            } catch (PayloadTooLargeException e) {
                throw single ? e : new PayloadTooLargeException(at + "args", e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        checkResourceCount(rows);
        return rows;
    }

    /** At most {@link #MAX_RESOURCES_PER_CALL} distinct resources (domains included) in one call. */
    public static void checkResourceCount(List<TaskStore.NewTask> rows) {
        long distinct = rows.stream().flatMap(row -> row.reservations().all().stream())
                .map(Reservation::resource).distinct().count();
        if (distinct > MAX_RESOURCES_PER_CALL) {
            throw new InvalidRequestException("tasks", "at most " + MAX_RESOURCES_PER_CALL
                    + " distinct resources (domains included) in one dispatch call, this one names " + distinct
                    + "; split it");
        }
    }

    /** A logging cid the contract accepts (one a caller may check once for many tasks). */
    public static boolean acceptsLoggingCid(String cid) {
        return !cid.isBlank() && cid.length() <= MAX_CID_LENGTH && cid.chars().noneMatch(Character::isISOControl);
    }

    /**
     * The caller's error behind a foreign key violation (SQLSTATE 23503) of the dispatch
     * statement, by the constraint's name; empty when the constraint is none of the caller's.
     */
    public static Optional<InvalidRequestException> foreignKeyViolation(String constraint) {
        String name = String.valueOf(constraint);
        if (name.equals("task_group_closed")) {
            // raised by the trigger task_group_open (V9)
            return Optional.of(new InvalidRequestException("task_group",
                    "this task group is canceled (all its tasks dispatched): it takes no new tasks"));
        }
        if (name.contains("task_group")) {
            return Optional.of(new InvalidRequestException("task_group", "no task group has this id"));
        }
        if (name.contains("parent_task")) {
            return Optional.of(new InvalidRequestException("parent_task", "no task has this id"));
        }
        return Optional.empty();
    }

    /** The task as the dispatch statement wrote it (no need to read it back). */
    public static Task asWritten(TaskStore.NewTask row, OffsetDateTime createdAt, OffsetDateTime unblockedAt) {
        return new Task(row.id(), row.name(), TaskState.WAITING, null, null, null, row.loggingCid(),
                createdAt, unblockedAt, null, null, row.reservations().encoded(),
                row.immediate(), row.deferred(), row.reservations().domain(), row.parentTask(), row.taskGroup(),
                Json.MAPPER.valueToTree(row.versions() == null ? Map.of() : row.versions()), null, null);
    }

    /** Its other fields are checked as the deferred task it would have to become. */
    private static DispatchRequest asDeferred(DispatchRequest request) {
        return new DispatchRequest(request.name(), request.args(), request.exclusiveResources(),
                request.sharedResources(), false, true, request.taskGroup(), request.domain(), request.versions(),
                request.parentTask(), request.loggingCid());
    }
}
