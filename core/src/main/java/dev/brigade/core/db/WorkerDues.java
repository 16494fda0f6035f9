package dev.brigade.core.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/**
 * What the database says is due for a worker (AppStatusSql.WORKER_HEARTBEAT / WORKER_DUES): the
 * idle worker's one question, in place of a claim, an unblock step, a lost-claim check, a cancel
 * poll and a janitor read each.
 *
 * @param alive     false: the heartbeat found no row (the worker was judged missing)
 * @param claimable a task waits unclaimed
 * @param releases  released resources wait for an unblock pass
 * @param held      tasks the database says this worker holds
 * @param canceling one of them is to be canceled
 * @param dueDuties the janitor duties due now
 */
public record WorkerDues(boolean alive, boolean claimable, boolean releases, long held, boolean canceling,
                         List<String> dueDuties) {

    /** The heartbeat with the dues. */
    public static Uni<WorkerDues> beat(SqlClient client, UUID worker) {
        return read(client, AppStatusSql.WORKER_HEARTBEAT, worker);
    }

    /** The dues alone. */
    public static Uni<WorkerDues> read(SqlClient client, UUID worker) {
        return read(client, AppStatusSql.WORKER_DUES, worker);
    }

    private static Uni<WorkerDues> read(SqlClient client, String sql, UUID worker) {
        return client.preparedQuery(sql).execute(Tuple.of(worker)).map(rows -> of(rows.iterator().next()));
    }

    private static WorkerDues of(Row row) {
        String[] duties = row.getArrayOfStrings("due_duties");
        return new WorkerDues(row.getBoolean("alive"), row.getBoolean("claimable"), row.getBoolean("releases"),
                row.getLong("held"), row.getBoolean("canceling"), duties == null ? List.of() : List.of(duties));
    }

    /** Whether anything at all asks the worker to act (beyond its janitor duties). */
    public boolean anythingForTheLoop(int heldLocally) {
        return claimable || releases || canceling || held > heldLocally;
    }
}
