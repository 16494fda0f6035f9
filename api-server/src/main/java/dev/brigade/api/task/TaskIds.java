package dev.brigade.api.task;

import dev.brigade.api.query.QueryValues;
import dev.brigade.core.error.NotFoundException;

import java.util.UUID;

/** A task id from a path: a malformed one names no task, so it is a 404 like an unknown one. */
final class TaskIds {
    private TaskIds() {
    }

    static UUID parse(String id) {
        return QueryValues.uuid(id).orElseThrow(() -> new NotFoundException("task " + id));
    }
}
