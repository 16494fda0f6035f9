package dev.brigade.core.db;

import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The data-access seam of task groups with their counts, and of a group cancel (see {@link TaskGroupSql}). */
public final class TaskGroupStore {
    private TaskGroupStore() {
    }

    /** A group and how many of its tasks are in each state. */
    public record GroupWithCounts(UUID id, String description, boolean allTasksDispatched,
                                  Map<TaskState, Long> counts) {
    }

    public static Uni<List<GroupWithCounts>> page(SqlClient client, int limit, int offset) {
        return client.preparedQuery(TaskGroupSql.SELECT_PAGE).execute(Tuple.of(limit, offset)).map(rows -> {
            List<GroupWithCounts> groups = new ArrayList<>();
            rows.forEach(row -> groups.add(map(row)));
            return groups;
        });
    }

    public static Uni<Long> count(SqlClient client) {
        return client.preparedQuery(TaskGroupSql.COUNT).execute().map(rows -> rows.iterator().next().getLong("count"));
    }

    public static Uni<Optional<GroupWithCounts>> findById(SqlClient client, UUID id) {
        return client.preparedQuery(TaskGroupSql.SELECT_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** The ids among {@code ids} that name a group. */
    public static Uni<Set<UUID>> existingIds(SqlClient client, Collection<UUID> ids) {
        return client.preparedQuery(TaskGroupSql.SELECT_EXISTING_IDS).execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> existing = new HashSet<>();
                    rows.forEach(row -> existing.add(row.getUUID("id")));
                    return existing;
                });
    }

    /** False when there is no such group. */
    public static Uni<Boolean> markAllDispatched(SqlClient client, UUID id) {
        return client.preparedQuery(TaskGroupSql.MARK_ALL_DISPATCHED).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    /** A task a group cancel moved to canceling, and the process that holds it (empty: none). */
    public record CanceledTask(UUID id, Optional<UUID> holder) {
    }

    /** Every waiting or running task of the group to canceling, in one statement (TaskGroupSql.CANCEL_TASKS). */
    public static Uni<List<CanceledTask>> cancelTasks(SqlClient client, UUID group) {
        return client.preparedQuery(TaskGroupSql.CANCEL_TASKS).execute(Tuple.of(group)).map(rows -> {
            List<CanceledTask> canceled = new ArrayList<>();
            rows.forEach(row -> canceled.add(new CanceledTask(row.getUUID("id"),
                    Optional.ofNullable(row.getUUID("app_lock")))));
            return canceled;
        });
    }

    private static GroupWithCounts map(Row row) {
        Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, row.getLong(state.dbName()));
        }
        return new GroupWithCounts(row.getUUID("id"), row.getString("description"),
                row.getBoolean("all_tasks_dispatched"), counts);
    }
}
