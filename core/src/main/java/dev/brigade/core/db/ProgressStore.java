package dev.brigade.core.db;

import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The data-access seam of progress_report. */
public final class ProgressStore {
    private ProgressStore() {
    }

    public static Uni<Void> upsert(SqlClient client, UUID task, String code, String message, Integer total, int done) {
        return client.preparedQuery(ProgressSql.UPSERT)
                .execute(Tuple.of(UUID.randomUUID(), task, code, message, total, done))
                .replaceWithVoid();
    }

    public static Uni<List<ProgressReport>> byTask(SqlClient client, UUID task) {
        return client.preparedQuery(ProgressSql.SELECT_BY_TASK).execute(Tuple.of(task)).map(rows -> {
            List<ProgressReport> reports = new ArrayList<>();
            rows.forEach(row -> reports.add(new ProgressReport(row.getString("message"), row.getString("code"),
                    TaskState.fromDb(row.getString("state")), row.getInteger("total"), row.getInteger("done"),
                    row.getString("suffix"))));
            return reports;
        });
    }
}
