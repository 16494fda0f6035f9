package dev.brigade.api.task;

import dev.brigade.core.db.TaskListStore;
import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Completes tasks into views: their children and progress reports, read for a whole page in two
 * round trips (or none, when the caller's field selection leaves them out or the task never ran).
 */
@ApplicationScoped
public class TaskViews {
    private final Pool pool;

    public TaskViews(Pool pool) {
        this.pool = pool;
    }

    /**
     * A task that has not run (just dispatched, or refused before it ran): only a running handler
     * adds children or progress reports, so it has none and its view costs no query.
     */
    public static TaskView notYetRun(Task task) {
        return TaskView.of(task, List.of(), List.of());
    }

    public Uni<TaskView> of(Task task) {
        return of(List.of(task), FieldSelection.ALL).map(List::getFirst);
    }

    public Uni<List<TaskView>> of(List<Task> tasks, FieldSelection selection) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = tasks.stream().map(Task::id).toList();
        Uni<Map<UUID, List<UUID>>> children = selection.includes("child_tasks")
                ? TaskListStore.childIdsOf(pool, ids) : Uni.createFrom().item(Map.of());
        Uni<Map<UUID, List<ProgressReport>>> progress = selection.includes("progress_reports")
                ? TaskListStore.progressOf(pool, ids) : Uni.createFrom().item(Map.of());
        return Uni.combine().all().unis(children, progress).with((childMap, progressMap) -> tasks.stream()
                .map(task -> TaskView.of(task, childMap.getOrDefault(task.id(), List.of()),
                        progressMap.getOrDefault(task.id(), List.of())))
                .toList());
    }
}
