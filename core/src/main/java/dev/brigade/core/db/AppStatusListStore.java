package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The data-access seam of the app_status listings (see {@link AppStatusListSql}). */
public final class AppStatusListStore {
    private AppStatusListStore() {
    }

    /** A process as the API shows it. */
    public record ProcessRow(String name, String type, JsonNode versions, OffsetDateTime lastHeartbeat,
                             boolean online, UUID currentTask) {
    }

    /** A page of processes of a type; online null means either. */
    public static Uni<List<ProcessRow>> page(SqlClient client, String type, Boolean online, int limit, int offset) {
        return client.preparedQuery(AppStatusListSql.SELECT_PAGE).execute(Tuple.of(type, online, limit, offset))
                .map(rows -> {
                    List<ProcessRow> processes = new ArrayList<>();
                    rows.forEach(row -> processes.add(map(row)));
                    return processes;
                });
    }

    public static Uni<Long> count(SqlClient client, String type, Boolean online) {
        return client.preparedQuery(AppStatusListSql.COUNT).execute(Tuple.of(type, online))
                .map(rows -> rows.iterator().next().getLong("count"));
    }

    public static Uni<Optional<ProcessRow>> firstOnline(SqlClient client, String type, String name) {
        return client.preparedQuery(AppStatusListSql.SELECT_FIRST_ONLINE_BY_NAME).execute(Tuple.of(type, name))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    private static ProcessRow map(Row row) {
        return new ProcessRow(row.getString("name"), row.getString("type"), Json.parse(row.getString("versions")),
                row.getOffsetDateTime("last_heartbeat"), row.getBoolean("online"), row.getUUID("current_task"));
    }
}
