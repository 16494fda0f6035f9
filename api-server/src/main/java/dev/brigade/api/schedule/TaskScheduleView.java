package dev.brigade.api.schedule;

import dev.brigade.core.db.TaskScheduleStore;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A task schedule as the API shows it; dispatch_interval as an ISO-8601 duration (null: one shot).
 * Its args are not shown: like a task's, they may hold secrets.
 */
public record TaskScheduleView(UUID id, String href, String name, String taskName, String dispatchInterval,
                               OffsetDateTime nextDispatch, boolean enabled, UUID lastTask) {
    public static final String PATH = "/api/v1/task-schedules";

    static TaskScheduleView of(TaskScheduleStore.ScheduleRow row) {
        return new TaskScheduleView(row.id(), PATH + "/" + row.id(), row.name(), row.taskName(),
                row.dispatchInterval() == null ? null : row.dispatchInterval().toString(), row.nextDispatch(),
                row.enabled(), row.lastTask());
    }
}
