package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The data-access seam of the task table: one method per statement of {@link TaskSql} and
 * {@link ReservationSql}, one parameter record where a statement takes several values. Every
 * method takes the client to run on, so callers decide what shares a transaction.
 */
public final class TaskStore {
    private TaskStore() {
    }

    /** The values of a new task row. */
    public record NewTask(UUID id, String name, JsonNode args, String loggingCid, Reservations reservations,
                          boolean immediate, boolean deferred, UUID parentTask, UUID taskGroup,
                          Map<String, String> versions) {
    }

    /**
     * Who claims and what it can run: its versions, and the names of the handlers it runs (a
     * waiting task of any other name is left to a worker that runs it, see TaskSql.CLAIM_BATCH).
     */
    public record ClaimNext(UUID appLock, String workerName, Map<String, String> versions, Set<String> handlerNames) {
        public ClaimNext {
            handlerNames = Set.copyOf(handlerNames);
        }
    }

    /** How a held task ends: the state and body to write, and what applies if it was canceled meanwhile. */
    public record Finish(UUID id, UUID appLock, TaskState state, JsonNode result, JsonNode error,
                         TaskState ifCanceling, JsonNode errorIfCanceling) {
    }

    public static Uni<Void> lockResources(SqlClient client, Reservations reservations) {
        return client.preparedQuery(ReservationSql.LOCK_RESOURCES)
                .execute(Tuple.of(reservations.resources(), reservations.exclusiveFlags()))
                .replaceWithVoid();
    }

    public static Uni<Optional<Task>> findById(SqlClient client, UUID id) {
        return client.preparedQuery(TaskSql.SELECT_BY_ID).execute(Tuple.of(id)).map(TaskStore::firstTask);
    }

    public static Uni<Optional<Task>> findByIdWithArgs(SqlClient client, UUID id) {
        return client.preparedQuery(TaskSql.SELECT_BY_ID_WITH_ARGS).execute(Tuple.of(id)).map(TaskStore::firstTask);
    }

    public static Uni<List<UUID>> childIds(SqlClient client, UUID parent) {
        return client.preparedQuery(TaskSql.SELECT_CHILD_IDS).execute(Tuple.of(parent))
                .map(rows -> ids(rows, "id"));
    }

    /** Claims one task (see TaskBatchStore.claim); a waiting one stays waiting, held, until {@link #setRunning}. */
    public static Uni<Optional<Task>> claimNext(SqlClient client, ClaimNext claim) {
        return TaskBatchStore.claim(client, claim, 1)
                .map(claimed -> claimed.stream().findFirst().map(TaskBatchStore.Claimed::task));
    }

    /** waiting → running; empty when the task was canceled (or lost) meanwhile. */
    public static Uni<Optional<OffsetDateTime>> setRunning(SqlClient client, UUID id, UUID appLock) {
        return client.preparedQuery(TaskSql.SET_RUNNING).execute(Tuple.of(id, appLock))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(rows.iterator().next().getOffsetDateTime("started_at")));
    }

    /**
     * Records one outcome (see TaskBatchStore.finish) for a caller that holds the task's resource
     * locks already in this transaction (the api-server's immediate path): no resources are passed,
     * so the call takes no lock of its own. The state written, or empty when this process no longer
     * held the task.
     */
    public static Uni<Optional<TaskState>> finish(SqlClient client, Finish f) {
        TaskBatchStore.Outcome outcome = new TaskBatchStore.Outcome(f.id(), new Reservations(List.of(), "default"),
                f.state(), f.result(), f.error(), f.ifCanceling(), f.errorIfCanceling(), true);
        return TaskBatchStore.finish(client, f.appLock(), List.of(outcome), false)
                .map(result -> result.finished().stream().findFirst().map(TaskBatchStore.Finished::state));
    }

    /** Records every task I started final, keeping lock and reservations, and lets go of the others (see TaskSql.FINISH_ALL_BEFORE_EXIT). */
    public static Uni<List<UUID>> finishAllBeforeExit(SqlClient client, UUID appLock, JsonNode error) {
        return client.preparedQuery(TaskSql.FINISH_ALL_BEFORE_EXIT).execute(Tuple.of(appLock, Json.write(error)))
                .map(rows -> ids(rows, "id"));
    }

    /**
     * Records a held immediate task final while its handler still runs, keeping lock and
     * reservations (ImmediateSql.FINISH_KEEPING_RESERVATIONS): the state written, or empty when
     * this process no longer held the task.
     */
    public static Uni<Optional<TaskState>> finishKeepingReservations(SqlClient client, UUID id, UUID appLock,
                                                                     JsonNode error) {
        return client.preparedQuery(ImmediateSql.FINISH_KEEPING_RESERVATIONS)
                .execute(Tuple.of(id, appLock, Json.write(error)))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(TaskState.fromDb(rows.iterator().next().getString("state"))));
    }

    /** Lets go of such a task once its handler returned (ImmediateSql.RELEASE_KEPT): the releases recorded. */
    public static Uni<Integer> releaseKept(SqlClient client, UUID id, UUID appLock) {
        return client.preparedQuery(ImmediateSql.RELEASE_KEPT).execute(Tuple.of(id, appLock))
                .map(rows -> rows.iterator().next().getInteger("released"));
    }

    /** Empty when the task is not waiting or running; else the holder (an empty UUID option when none). */
    public static Uni<Optional<Optional<UUID>>> requestCancel(SqlClient client, UUID id) {
        return client.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(Optional.ofNullable(rows.iterator().next().getUUID("app_lock"))));
    }

    public static Uni<List<UUID>> cancelingHeldBy(SqlClient client, UUID appLock) {
        return client.preparedQuery(TaskSql.SELECT_CANCELING_HELD_BY).execute(Tuple.of(appLock))
                .map(rows -> ids(rows, "id"));
    }

    public static Uni<Boolean> deleteIfFinal(SqlClient client, UUID id) {
        return client.preparedQuery(TaskSql.DELETE_IF_FINAL)
                .execute(Tuple.of(id, Signal.UNBLOCK.channel().pgName(), Signal.UNBLOCK.payload()))
                .map(rows -> rows.rowCount() == 1);
    }

    public static Uni<Optional<TaskState>> state(SqlClient client, UUID id) {
        return client.preparedQuery(TaskSql.SELECT_STATE).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(TaskState.fromDb(rows.iterator().next().getString("state"))));
    }

    /** One batch of the sweep of final tasks whose rows were kept (ReservationSql.SWEEP_KEPT_RESERVATIONS): how many were swept. */
    public static Uni<Integer> sweepKeptReservations(SqlClient client, int batch) {
        return client.preparedQuery(ReservationSql.SWEEP_KEPT_RESERVATIONS)
                .execute(Tuple.of(batch, Signal.UNBLOCK.channel().pgName(), Signal.UNBLOCK.payload()))
                .map(rows -> rows.iterator().next().getInteger("swept"));
    }

    /** Durations travel as seconds (float8) and become intervals in SQL with make_interval. */
    public static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static Optional<Task> firstTask(RowSet<Row> rows) {
        return rows.rowCount() == 0 ? Optional.empty() : Optional.of(TaskRows.map(rows.iterator().next()));
    }

    private static List<UUID> ids(RowSet<Row> rows, String column) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getUUID(column)));
        return ids;
    }
}
