package dev.brigade.core.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the database says is due for a worker (AppStatusSql.WORKER_HEARTBEAT / WORKER_DUES): the
 * idle worker's one question, in place of a claim, an unblock step, a lost-claim check, a cancel
 * poll and a janitor read each.
 *
 * @param alive     false: the heartbeat found no row (the worker was judged missing)
 * @param claimableFor how long a task this worker would claim has waited unclaimed (the longest of the
 *                     first ones per name it runs, and of those any worker finishes: canceling, or
 *                     running without a holder); empty: there is none
 * @param releases  released resources wait for an unblock pass
 * @param held      tasks the database says this worker holds
 * @param canceling one of them is to be canceled
 * @param missing   a process is missing (its heartbeat older than its ttl): the reaper has work
 * @param keptReservations a final task whose reservation rows a halted process kept waits to be
 *                         swept, that process being gone: the janitor has work, whoever reaped it
 * @param scheduleDue a schedule is due
 * @param dueDuties the janitor duties (of those asked about) due now
 */
public record WorkerDues(boolean alive, Optional<Duration> claimableFor, boolean releases, long held, boolean canceling,
                         boolean missing, boolean keptReservations, boolean scheduleDue, List<String> dueDuties) {

    /** A task this worker would claim waits unclaimed. */
    public boolean claimable() {
        return claimableFor.isPresent();
    }

    /**
     * The heartbeat with the dues; {@code duties}: the janitor duties the worker does (none:
     * auxiliary); {@code handlers}: the handler names it runs (what its claim takes).
     */
    public static Uni<WorkerDues> beat(SqlClient client, UUID worker, List<String> duties, Collection<String> handlers) {
        return read(client, AppStatusSql.WORKER_HEARTBEAT, worker, duties, handlers);
    }

    /** The dues alone. */
    public static Uni<WorkerDues> read(SqlClient client, UUID worker, List<String> duties, Collection<String> handlers) {
        return read(client, AppStatusSql.WORKER_DUES, worker, duties, handlers);
    }

    private static Uni<WorkerDues> read(SqlClient client, String sql, UUID worker, List<String> duties,
                                        Collection<String> handlers) {
        return client.preparedQuery(sql)
                .execute(Tuple.of(worker, duties.toArray(String[]::new), handlers.toArray(String[]::new)))
                .map(rows -> of(rows.iterator().next()));
    }

    private static WorkerDues of(Row row) {
        String[] duties = row.getArrayOfStrings("due_duties");
        Double claimableSeconds = row.getDouble("claimable_for");
        Optional<Duration> claimableFor = claimableSeconds == null ? Optional.empty()
                : Optional.of(Duration.ofNanos((long) (Math.max(0, claimableSeconds) * 1e9)));
        return new WorkerDues(row.getBoolean("alive"), claimableFor, row.getBoolean("releases"),
                row.getLong("held"), row.getBoolean("canceling"), row.getBoolean("missing"),
                row.getBoolean("kept_reservations"),
                row.getBoolean("schedule_due"), duties == null ? List.of() : List.of(duties));
    }

    /** Whether the janitor has anything to do now: a process to reap, kept rows to sweep, a schedule to dispatch, a duty due. */
    public boolean janitorWork() {
        return missing || keptReservations || scheduleDue || !dueDuties.isEmpty();
    }
}
