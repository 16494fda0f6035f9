package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The data-access seam of the batched pipeline: dispatch, claim, completion and unblocking, each
 * one statement for many tasks (see TaskSql.DISPATCH, CLAIM_BATCH, FINISH_BATCH and
 * ReservationSql.UNBLOCK_STEP). Every method takes the client to run on, so callers decide what
 * shares a transaction; on a pool each is one round trip, in its own implicit transaction.
 */
public final class TaskBatchStore {
    private TaskBatchStore() {
    }

    /** What dispatch wrote for one task. */
    public record DispatchedRow(UUID id, OffsetDateTime createdAt, OffsetDateTime unblockedAt) {
    }

    /**
     * A claimed task, with the state the claim found it in, and whether the claim started it
     * (then it is running and its handler must run now; else a waiting one is held, not started).
     * {@code moreClaimable}: the claim saw another task waiting unclaimed beyond those it took.
     */
    public record Claimed(Task task, TaskState claimedState, boolean started, boolean moreClaimable) {
    }

    /**
     * How a held task ends: the state and body to write, what applies if it was moved to
     * canceling meanwhile, and whether its handler ran (if not, its start is undone).
     */
    public record Outcome(UUID id, Reservations reservations, TaskState state, JsonNode result, JsonNode error,
                          TaskState ifCanceling, JsonNode errorIfCanceling, boolean ran) {
    }

    /** A task whose outcome was written, with the state written. */
    public record Finished(UUID id, TaskState state) {
    }

    /** The outcomes written (a task no longer held is missing) and whether releases were recorded. */
    public record FinishResult(List<Finished> finished, boolean releasesRecorded) {
    }

    /** One unblock step: whether it had the lock (or nothing was pending), releases consumed, tasks stamped. */
    public record UnblockStep(boolean acquired, long consumed, long stamped) {
    }

    /** Dispatches the tasks in the order given; {@code handle} is notified once when any is free. */
    public static Uni<List<DispatchedRow>> dispatch(SqlClient client, List<TaskStore.NewTask> tasks) {
        int n = tasks.size();
        Tuple params = Tuple.tuple(DispatchArrays.of(tasks).values());
        return client.preparedQuery(TaskSql.DISPATCH).execute(params).map(rows -> {
            List<DispatchedRow> written = new ArrayList<>(n);
            for (Row row : rows) {
                written.add(new DispatchedRow(row.getUUID("id"), row.getOffsetDateTime("created_at"),
                        row.getOffsetDateTime("unblocked_at")));
            }
            return written;
        });
    }

    /** Claims up to {@code limit} tasks for {@code who}; waiting ones stay waiting, held, until {@link #start}. */
    public static Uni<List<Claimed>> claim(SqlClient client, TaskStore.ClaimNext who, int limit) {
        return claim(client, who, limit, 0);
    }

    /**
     * Claims up to {@code limit} tasks for {@code who} and starts the first {@code startNow}
     * waiting ones in the same statement (the caller has a handler slot for each); the other
     * waiting ones stay waiting, held, until {@link #start}.
     */
    public static Uni<List<Claimed>> claim(SqlClient client, TaskStore.ClaimNext who, int limit, int startNow) {
        return client.preparedQuery(TaskSql.CLAIM_BATCH)
                .execute(Tuple.of(who.appLock(), who.workerName(), Json.write(who.versions()), limit, startNow,
                        who.handlerNames().toArray(String[]::new)))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new Claimed(TaskRows.map(row), TaskState.fromDb(row.getString("claimed_state")),
                                row.getBoolean("start_now"), row.getBoolean("more_claimable")));
                    }
                    return claimed;
                });
    }

    /**
     * Records the outcomes of tasks held by {@code me} in one call. With {@code notifyUnblock},
     * recorded releases are announced with an {@code unblock} signal (for a process that does not
     * run the unblocker itself).
     */
    public static Uni<FinishResult> finish(SqlClient client, UUID me, Collection<Outcome> outcomes, boolean notifyUnblock) {
        int n = outcomes.size();
        UUID[] ids = new UUID[n];
        String[] states = new String[n];
        String[] ifCanceling = new String[n];
        String[] results = new String[n];
        String[] errors = new String[n];
        String[] errorsIfCanceling = new String[n];
        Boolean[] ran = new Boolean[n];
        List<String> resources = new ArrayList<>();
        List<Boolean> exclusive = new ArrayList<>();
        int i = 0;
        for (Outcome o : outcomes) {
            ids[i] = o.id();
            states[i] = o.state().dbName();
            ifCanceling[i] = o.ifCanceling().dbName();
            results[i] = Json.write(o.result());
            errors[i] = Json.write(o.error());
            errorsIfCanceling[i] = Json.write(o.errorIfCanceling());
            ran[i] = o.ran();
            resources.addAll(Arrays.asList(o.reservations().resources()));
            exclusive.addAll(Arrays.asList(o.reservations().exclusiveFlags()));
            i++;
        }
        Tuple params = Tuple.tuple(List.of(me, ids, states, ifCanceling, results, errors, errorsIfCanceling, ran,
                resources.toArray(String[]::new), exclusive.toArray(Boolean[]::new)));
        params.addValue(notifyUnblock ? Signal.UNBLOCK.channel().pgName() : null)
                .addValue(notifyUnblock ? Signal.UNBLOCK.payload() : null);
        return client.preparedQuery(TaskSql.FINISH_BATCH).execute(params).map(rows -> {
            List<Finished> finished = new ArrayList<>(n);
            boolean released = false;
            for (Row row : rows) {
                finished.add(new Finished(row.getUUID("id"), TaskState.fromDb(row.getString("state"))));
                released |= row.getBoolean("released");
            }
            return new FinishResult(finished, released);
        });
    }

    /** One unblock step of up to {@code batch} releases; {@code handle} is notified when it stamped any. */
    public static Uni<UnblockStep> unblockStep(SqlClient client, int batch) {
        return client.preparedQuery(ReservationSql.UNBLOCK_STEP)
                .execute(Tuple.of(batch, Signal.HANDLE.channel().pgName(), Signal.HANDLE.payload()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new UnblockStep(row.getBoolean("acquired"), row.getLong("consumed"), row.getLong("stamped"));
                });
    }

    /** The state of one task {@link #start} was asked to start, and whether it is still held by the asker. */
    public record StartAnswer(UUID id, TaskState state, boolean mine) {
        public boolean started() {
            return state == TaskState.RUNNING && mine;
        }
    }

    /**
     * Starts held waiting tasks (see TaskSql.START_BATCH): one statement when all of them start,
     * a second one to read the others' state; an answer for each id that exists.
     */
    public static Uni<List<StartAnswer>> start(SqlClient client, Collection<UUID> ids, UUID me, String myName) {
        return client.preparedQuery(TaskSql.START_BATCH)
                .execute(Tuple.of(ids.toArray(UUID[]::new), me, myName))
                .chain(rows -> {
                    List<StartAnswer> answers = new ArrayList<>();
                    rows.forEach(row -> answers.add(new StartAnswer(row.getUUID("id"), TaskState.RUNNING, true)));
                    if (answers.size() == ids.size()) {
                        return Uni.createFrom().item(answers);
                    }
                    Set<UUID> started = new HashSet<>();
                    answers.forEach(a -> started.add(a.id()));
                    UUID[] others = ids.stream().filter(id -> !started.contains(id)).toArray(UUID[]::new);
                    return client.preparedQuery(TaskSql.SELECT_HOLD).execute(Tuple.of(others, me)).map(held -> {
                        held.forEach(row -> answers.add(new StartAnswer(row.getUUID("id"),
                                TaskState.fromDb(row.getString("state")), row.getBoolean("mine"))));
                        return answers;
                    });
                });
    }

    /** Gives back a claimed task whose handler never started (see TaskSql.GIVE_BACK); false when it was not mine. */
    public static Uni<Boolean> giveBack(SqlClient client, UUID id, String name, UUID me) {
        // the handle names the task's handler: a relay wakes a worker that runs it
        return client.preparedQuery(TaskSql.GIVE_BACK)
                .execute(Tuple.of(id, me, Signal.HANDLE.channel().pgName(), HandleSignal.of(Set.of(name)).payload()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Lets go of the tasks I hold but do not run (see TaskSql.RETURN_LOST_CLAIMS); the ids let go. */
    public static Uni<List<UUID>> returnLostClaims(SqlClient client, UUID me, Collection<UUID> held, String myName) {
        return client.preparedQuery(TaskSql.RETURN_LOST_CLAIMS)
                .execute(Tuple.of(me, held.toArray(UUID[]::new), myName))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }
}
