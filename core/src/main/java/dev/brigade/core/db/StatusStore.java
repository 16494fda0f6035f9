package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** What the status endpoint reads: the online processes and the queue figures. */
public final class StatusStore {
    private StatusStore() {
    }

    /** An online process: its name, last heartbeat and versions. */
    public record OnlineProcess(String name, OffsetDateTime lastHeartbeat, JsonNode versions) {
    }

    /** The queue at a glance (see TaskSql.QUEUE_FIGURES). */
    public record QueueFigures(long waiting, long unblockedUnclaimed, long running, double oldestUnclaimedAgeSeconds) {
    }

    /** Online processes of a type ("worker" or "api"), oldest first. */
    public static Uni<List<OnlineProcess>> online(SqlClient client, String type) {
        return client.preparedQuery(AppStatusSql.SELECT_ONLINE).execute(Tuple.of(type)).map(rows -> {
            List<OnlineProcess> processes = new ArrayList<>();
            rows.forEach(row -> processes.add(new OnlineProcess(row.getString("name"),
                    row.getOffsetDateTime("last_heartbeat"), Json.parse(row.getString("versions")))));
            return processes;
        });
    }

    public static Uni<QueueFigures> queueFigures(SqlClient client) {
        return client.preparedQuery(TaskSql.QUEUE_FIGURES).execute().map(rows -> {
            var row = rows.iterator().next();
            return new QueueFigures(row.getLong("waiting"), row.getLong("unblocked_unclaimed"), row.getLong("running"),
                    row.getDouble("oldest_unclaimed_age"));
        });
    }
}
