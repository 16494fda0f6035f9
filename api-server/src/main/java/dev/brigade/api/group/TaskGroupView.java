package dev.brigade.api.group;

import dev.brigade.core.db.TaskGroupStore;
import dev.brigade.core.task.TaskState;

import java.util.UUID;

/** A task group with one top-level count per state of its tasks (API.md, "Task groups"). */
public record TaskGroupView(UUID id, String href, String description, boolean allTasksDispatched,
                            long waiting, long skipped, long running, long completed, long canceled, long failed,
                            long canceling) {
    public static final String PATH = "/api/v1/task-groups";

    static TaskGroupView of(TaskGroupStore.GroupWithCounts group) {
        var counts = group.counts();
        return new TaskGroupView(group.id(), PATH + "/" + group.id(), group.description(), group.allTasksDispatched(),
                counts.get(TaskState.WAITING), counts.get(TaskState.SKIPPED), counts.get(TaskState.RUNNING),
                counts.get(TaskState.COMPLETED), counts.get(TaskState.CANCELED), counts.get(TaskState.FAILED),
                counts.get(TaskState.CANCELING));
    }
}
