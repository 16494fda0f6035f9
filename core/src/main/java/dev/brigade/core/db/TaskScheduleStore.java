package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The data-access seam of the schedule endpoints (see {@link TaskScheduleApiSql}). */
public final class TaskScheduleStore {
    private TaskScheduleStore() {
    }

    /** A schedule as the API shows it (its args are not shown: they may hold secrets). */
    public record ScheduleRow(UUID id, String name, String taskName, Duration dispatchInterval,
                              OffsetDateTime nextDispatch, boolean enabled, UUID lastTask) {
    }

    /** The values of a new schedule; a null interval makes a one-shot schedule. */
    public record NewSchedule(UUID id, String name, String taskName, JsonNode args, Duration dispatchInterval,
                              OffsetDateTime nextDispatch, boolean enabled) {
    }

    /** Empty when the name is taken. */
    public static Uni<Optional<ScheduleRow>> insert(SqlClient client, NewSchedule s) {
        Tuple params = Tuple.of(s.id(), s.name(), s.taskName(), Json.write(s.args()),
                s.dispatchInterval() == null ? null : TaskStore.seconds(s.dispatchInterval()), s.nextDispatch());
        params.addValue(s.enabled());
        return client.preparedQuery(TaskScheduleApiSql.INSERT).execute(params).map(TaskScheduleStore::first);
    }

    public static Uni<List<ScheduleRow>> page(SqlClient client, int limit, int offset) {
        return client.preparedQuery(TaskScheduleApiSql.SELECT_PAGE).execute(Tuple.of(limit, offset)).map(rows -> {
            List<ScheduleRow> schedules = new ArrayList<>();
            rows.forEach(row -> schedules.add(map(row)));
            return schedules;
        });
    }

    public static Uni<Long> count(SqlClient client) {
        return client.preparedQuery(TaskScheduleApiSql.COUNT).execute()
                .map(rows -> rows.iterator().next().getLong("count"));
    }

    public static Uni<Optional<ScheduleRow>> findById(SqlClient client, UUID id) {
        return client.preparedQuery(TaskScheduleApiSql.SELECT_BY_ID).execute(Tuple.of(id)).map(TaskScheduleStore::first);
    }

    /** Empty when there is no such schedule. */
    public static Uni<Optional<ScheduleRow>> setEnabled(SqlClient client, UUID id, boolean enabled) {
        return client.preparedQuery(TaskScheduleApiSql.SET_ENABLED).execute(Tuple.of(id, enabled))
                .map(TaskScheduleStore::first);
    }

    /** False when missing or built in (the caller tells which apart). */
    public static Uni<Boolean> deleteUnlessBuiltIn(SqlClient client, UUID id) {
        return client.preparedQuery(TaskScheduleApiSql.DELETE_UNLESS_BUILT_IN)
                .execute(Tuple.of(id, TaskScheduleSql.RETENTION_SCHEDULE))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Optional<ScheduleRow> first(RowSet<Row> rows) {
        return rows.rowCount() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    private static ScheduleRow map(Row row) {
        Double seconds = row.getDouble("dispatch_interval_seconds");
        Duration interval = seconds == null ? null : Duration.ofNanos(Math.round(seconds * 1e9));
        return new ScheduleRow(row.getUUID("id"), row.getString("name"), row.getString("task_name"), interval,
                row.getOffsetDateTime("next_dispatch"), row.getBoolean("enabled"), row.getUUID("last_task"));
    }
}
