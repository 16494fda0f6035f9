package dev.brigade.core.db;

import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Row;

import java.util.Arrays;
import java.util.List;

/** Maps a row selected with TaskSql.COLUMNS (or COLUMNS_WITH_ARGS) to a Task. */
public final class TaskRows {
    private TaskRows() {
    }

    public static Task map(Row row) {
        String[] reserved = row.getArrayOfStrings("reserved_resources");
        return new Task(
                row.getUUID("id"),
                row.getString("name"),
                TaskState.fromDb(row.getString("state")),
                Json.parse(row.getString("args")),
                Json.parse(row.getString("result")),
                Json.parse(row.getString("error")),
                row.getString("logging_cid"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("unblocked_at"),
                row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("finished_at"),
                reserved == null ? List.of() : Arrays.asList(reserved),
                row.getBoolean("immediate"),
                row.getBoolean("deferred"),
                row.getString("domain"),
                row.getUUID("parent_task"),
                row.getUUID("task_group"),
                Json.parse(row.getString("versions")),
                row.getUUID("app_lock"),
                row.getString("worker"));
    }
}
