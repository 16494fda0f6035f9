package dev.brigade.api.task;

import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.task.DispatchRequest;

import java.util.ArrayList;
import java.util.List;

/** The body of POST /api/v1/tasks/bulk: dispatch bodies, to be dispatched in this order. */
public record BulkDispatchBody(List<DispatchBody> tasks) {

    /** The requests, each with the request's logging cid; a missing, empty or too long list is a 400. */
    List<DispatchRequest> toRequests(String loggingCid, int maxTasks) {
        if (tasks == null) {
            throw new InvalidRequestException("tasks", "is required: a list of 1.." + maxTasks + " tasks");
        }
        if (tasks.isEmpty() || tasks.size() > maxTasks) {
            throw new InvalidRequestException("tasks", "must hold 1.." + maxTasks + " tasks, not " + tasks.size());
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) == null) {
                errors.add(new FieldError("tasks[" + i + "]", "must be an object"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return tasks.stream().map(task -> task.toRequest(loggingCid)).toList();
    }
}
