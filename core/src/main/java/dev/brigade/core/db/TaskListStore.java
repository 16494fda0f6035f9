package dev.brigade.core.db;

import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskFilter;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The data-access seam of the task listing (see {@link TaskListSql}). */
public final class TaskListStore {
    private TaskListStore() {
    }

    /** One page of a listing and how many tasks match in all. */
    public record TaskPage(long count, List<Task> tasks) {
    }

    public static Uni<TaskPage> list(SqlClient client, TaskFilter filter, int limit, int offset) {
        TaskListQuery query = TaskListQuery.of(filter);
        return client.preparedQuery(query.countSql()).execute(query.countParams())
                .map(rows -> rows.iterator().next().getLong("count"))
                .chain(count -> client.preparedQuery(query.pageSql()).execute(query.pageParams(limit, offset))
                        .map(rows -> {
                            List<Task> tasks = new ArrayList<>();
                            rows.forEach(row -> tasks.add(TaskRows.map(row)));
                            return new TaskPage(count, tasks);
                        }));
    }

    /** The child ids of each of these tasks (absent key: no children). */
    public static Uni<Map<UUID, List<UUID>>> childIdsOf(SqlClient client, Collection<UUID> parents) {
        return client.preparedQuery(TaskListSql.SELECT_CHILD_IDS_OF).execute(Tuple.of(parents.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<UUID>> children = new HashMap<>();
                    rows.forEach(row -> children.computeIfAbsent(row.getUUID("parent_task"), k -> new ArrayList<>())
                            .add(row.getUUID("id")));
                    return children;
                });
    }

    /** The progress reports of each of these tasks (absent key: none). */
    public static Uni<Map<UUID, List<ProgressReport>>> progressOf(SqlClient client, Collection<UUID> tasks) {
        return client.preparedQuery(TaskListSql.SELECT_PROGRESS_OF).execute(Tuple.of(tasks.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<ProgressReport>> reports = new HashMap<>();
                    rows.forEach(row -> reports.computeIfAbsent(row.getUUID("task"), k -> new ArrayList<>())
                            .add(new ProgressReport(row.getString("message"), row.getString("code"),
                                    TaskState.fromDb(row.getString("state")), row.getInteger("total"),
                                    row.getInteger("done"), row.getString("suffix"))));
                    return reports;
                });
    }
}
