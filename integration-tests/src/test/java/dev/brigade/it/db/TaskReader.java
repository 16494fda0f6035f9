package dev.brigade.it.db;

import dev.brigade.core.db.Json;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The tests' reads of the task and app_status tables (test SQL: the programs never run it). */
public final class TaskReader {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String COLUMNS = """
            id, name, state, created_at, unblocked_at, started_at, finished_at, reserved_resources, worker,
            error::text AS error""";

    private final Pool pool;

    public TaskReader(Pool pool) {
        this.pool = pool;
    }

    public List<TaskRecord> all() {
        return list(pool.query("SELECT " + COLUMNS + " FROM task ORDER BY created_at, id").execute().await().atMost(WAIT));
    }

    public TaskRecord get(UUID id) {
        List<TaskRecord> found = list(pool.preparedQuery("SELECT " + COLUMNS + " FROM task WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(WAIT));
        if (found.isEmpty()) {
            throw new AssertionError("no task " + id);
        }
        return found.getFirst();
    }

    /** The tasks with these ids, in the order given. */
    public List<TaskRecord> get(Collection<UUID> ids) {
        Map<UUID, TaskRecord> byId = new LinkedHashMap<>();
        list(pool.preparedQuery("SELECT " + COLUMNS + " FROM task WHERE id = ANY($1::uuid[])")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).await().atMost(WAIT))
                .forEach(task -> byId.put(task.id(), task));
        return ids.stream().map(id -> {
            TaskRecord task = byId.get(id);
            if (task == null) {
                throw new AssertionError("no task " + id);
            }
            return task;
        }).toList();
    }

    /** How many tasks are not final yet. */
    public long incomplete() {
        return pool.query("SELECT count(*) FROM task WHERE state IN ('waiting', 'running', 'canceling')")
                .execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    /** How many tasks are final. */
    public long finalCount() {
        return pool.query("SELECT count(*) FROM task WHERE state IN ('completed', 'failed', 'canceled', 'skipped')")
                .execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    /** The running tasks of each worker ({@code pid@host}) that has any. */
    public Map<String, List<UUID>> runningByWorker() {
        Map<String, List<UUID>> running = new LinkedHashMap<>();
        pool.query("SELECT worker, id FROM task WHERE state = 'running' AND worker IS NOT NULL ORDER BY worker")
                .execute().await().atMost(WAIT)
                .forEach(row -> running.computeIfAbsent(row.getString("worker"), k -> new ArrayList<>()).add(row.getUUID("id")));
        return running;
    }

    /** The {@code pid@host} name of the registered process with this pid (the tests' processes share one host). */
    public Optional<String> processNameOf(long pid) {
        for (Row row : pool.preparedQuery("SELECT name FROM app_status WHERE name LIKE $1 || '@%'")
                .execute(Tuple.of(Long.toString(pid))).await().atMost(WAIT)) {
            return Optional.of(row.getString("name"));
        }
        return Optional.empty();
    }

    /** Whether an app_status row of this name ({@code pid@host}) exists. */
    public boolean appStatusExists(String name) {
        return pool.preparedQuery("SELECT count(*) FROM app_status WHERE name = $1").execute(Tuple.of(name))
                .await().atMost(WAIT).iterator().next().getLong(0) > 0;
    }

    /** The database's clock: the one every task time is written with. */
    public Instant now() {
        return pool.query("SELECT clock_timestamp() AS now").execute().await().atMost(WAIT)
                .iterator().next().getOffsetDateTime("now").toInstant();
    }

    /** Reservation rows still held by final tasks (they must all be released eventually). */
    public long leftoverReservations() {
        return pool.query("""
                        SELECT count(*) FROM task_reservation r JOIN task t ON t.id = r.task_id
                        WHERE t.state IN ('completed', 'failed', 'canceled', 'skipped')""")
                .execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static List<TaskRecord> list(Iterable<Row> rows) {
        List<TaskRecord> tasks = new ArrayList<>();
        for (Row row : rows) {
            String error = row.getString("error");
            String[] reserved = row.getArrayOfStrings("reserved_resources");
            tasks.add(new TaskRecord(
                    row.getUUID("id"),
                    row.getString("name"),
                    TaskState.fromDb(row.getString("state")),
                    instant(row.getOffsetDateTime("created_at")),
                    instant(row.getOffsetDateTime("unblocked_at")),
                    instant(row.getOffsetDateTime("started_at")),
                    instant(row.getOffsetDateTime("finished_at")),
                    reserved == null ? List.of() : Arrays.asList(reserved),
                    row.getString("worker"),
                    error == null ? null : Json.parse(error).path("description").asText(null)));
        }
        return tasks;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
