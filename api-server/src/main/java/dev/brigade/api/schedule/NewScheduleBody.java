package dev.brigade.api.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.TaskScheduleStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.task.DispatchRequest;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The body of POST /api/v1/task-schedules, checked as a whole. */
public record NewScheduleBody(String name, String taskName, JsonNode args, String dispatchInterval,
                              OffsetDateTime nextDispatch, Boolean enabled) {
    static final int MAX_NAME_LENGTH = 256;

    /**
     * The schedule to insert. The task it will dispatch is checked now with the dispatcher's own
     * rules (a known handler, args an object of at most 1 MiB), so a schedule cannot be created
     * that would fail at every run. A missing next_dispatch means as soon as possible.
     */
    TaskScheduleStore.NewSchedule validate(Dispatcher dispatcher, KnownHandlers known) {
        List<FieldError> errors = new ArrayList<>();
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH
                || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "must be 1.." + MAX_NAME_LENGTH + " characters without control characters"));
        }
        try {
            dispatcher.validate(DispatchRequest.of(taskName, args == null || args.isNull() ? null : args), known);
        } catch (InvalidRequestException e) {
            e.errors().forEach(error -> errors.add(
                    new FieldError(error.field().equals("name") ? "task_name" : error.field(), error.message())));
        }
        Duration interval = interval(errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new TaskScheduleStore.NewSchedule(UUID.randomUUID(), name, taskName, args == null || args.isNull()
                ? JsonNodeFactory.instance.objectNode() : args, interval,
                nextDispatch == null ? OffsetDateTime.now() : nextDispatch, enabled == null || enabled);
    }

    private Duration interval(List<FieldError> errors) {
        if (dispatchInterval == null) {
            return null;
        }
        try {
            Duration interval = Duration.parse(dispatchInterval);
            if (!interval.isNegative() && !interval.isZero()) {
                return interval;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError("dispatch_interval", "must be a positive ISO-8601 duration such as PT1H or P1D, or null"));
        return null;
    }
}
