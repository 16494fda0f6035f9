package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A final task that still holds its reservation rows once nobody holds it: a halted worker's task
 * (TaskSql.FINISH_ALL_BEFORE_EXIT) whose process was reaped by a janitor that died (or whose
 * statement failed) before its sweep. The task behind it must not wait forever.
 */
class LeftoverReservationSqlTest extends SqlTestSupport {
    private static final List<String> DUTIES = List.of("queue-metrics", "reap-missing-processes");

    /** The halted task and the waiting task behind it on L1. */
    private record Leftover(UUID halting, UUID held, UUID behind) {
    }

    /** A halted worker's task recorded final with its rows kept, and a task behind it. */
    private Leftover halted() {
        UUID halting = register("worker");
        UUID held = dispatch(List.of("L1"), List.of());
        UUID behind = dispatch(List.of("L1"), List.of());
        assertThat(claim(halting, Map.of("brigade", "1.0.0")).orElseThrow().id()).isEqualTo(held);
        var error = JsonNodeFactory.instance.objectNode().put("description", "aborted during worker shutdown");
        pool.withTransaction(tx -> TaskStore.finishAllBeforeExit(tx, halting, error)).await().atMost(WAIT);
        pool.preparedQuery(AppStatusSql.EXPIRE_SOON).execute(Tuple.of(halting, 0.0)).await().atMost(WAIT);
        return new Leftover(halting, held, behind);
    }

    /** ...and reaped by a janitor that took the duty, removed the row and died before its sweep. */
    private Leftover reapedWithoutSweep() {
        Leftover leftover = halted();
        pool.withTransaction(tx -> tx.preparedQuery(JanitorSql.TAKE_DUE_DUTY)
                        .execute(Tuple.of("reap-missing-processes", 3600.0, 2))
                        .chain(() -> tx.preparedQuery(AppStatusSql.DELETE_MISSING).execute()))
                .await().atMost(WAIT);
        assertThat(task(leftover.held()).state()).isEqualTo(TaskState.FAILED);
        assertThat(task(leftover.held()).appLock()).isNull();
        assertThat(rowsOf(leftover.held())).isEqualTo(2); // L1 and the domain
        assertThat(unblocked(leftover.behind())).isFalse();
        return leftover;
    }

    @Test
    void aLaterJanitorRunSweepsWhatAReapLeftBehind() {
        Leftover leftover = reapedWithoutSweep();
        UUID untouched = dispatch(List.of("L2"), List.of());
        WorkerDues dues = beat();
        assertThat(dues.missing()).as("nobody is missing any more").isFalse();
        assertThat(dues.keptReservations()).as("the heartbeat still gives the janitor the sweep").isTrue();
        assertThat(dues.janitorWork()).isTrue();

        assertThat(TaskStore.sweepKeptReservations(pool, 100).await().atMost(WAIT)).isEqualTo(1);
        assertThat(rowsOf(leftover.held())).isZero();
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(leftover.behind())).as("the task behind it may start").isTrue();
        assertThat(task(leftover.held()).state()).as("the final task itself is untouched").isEqualTo(TaskState.FAILED);
        assertThat(rowsOf(untouched)).as("an incomplete task keeps its rows").isEqualTo(2);
        assertThat(beat().keptReservations()).as("nothing left to sweep").isFalse();
        assertThat(TaskStore.sweepKeptReservations(pool, 100).await().atMost(WAIT)).isZero();
    }

    @Test
    void nothingIsSweptWhileTheHaltedProcessStillHoldsItsTasks() {
        Leftover leftover = halted();
        assertThat(beat().keptReservations()).as("its row is still there: not yet").isFalse();
        assertThat(TaskStore.sweepKeptReservations(pool, 100).await().atMost(WAIT)).isZero();
        assertThat(TaskStore.deleteIfFinal(pool, leftover.held()).await().atMost(WAIT))
                .as("a final task still held is not deleted: its resources stay taken").isFalse();
        int purged = pool.preparedQuery(TaskSql.PURGE_BATCH)
                .execute(Tuple.of(OffsetDateTime.now().plusHours(1), new String[] {"failed"}, 10,
                        signalName(), Signal.UNBLOCK.payload()))
                .await().atMost(WAIT).rowCount();
        assertThat(purged).as("nor purged").isZero();
        assertThat(rowsOf(leftover.held())).isEqualTo(2);
        assertThat(unblocked(leftover.behind())).isFalse();
    }

    @Test
    void theSweepGoesInBoundedBatches() {
        Leftover first = reapedWithoutSweep();
        UUID halting = register("worker");
        UUID second = dispatch(List.of("L3"), List.of());
        assertThat(claim(halting, Map.of("brigade", "1.0.0")).orElseThrow().id()).isEqualTo(second);
        pool.withTransaction(tx -> TaskStore.finishAllBeforeExit(tx, halting,
                JsonNodeFactory.instance.objectNode().put("description", "aborted"))).await().atMost(WAIT);
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(halting)).await().atMost(WAIT);
        assertThat(TaskStore.sweepKeptReservations(pool, 1).await().atMost(WAIT)).isEqualTo(1);
        assertThat(rowsOf(first.held()) + rowsOf(second)).as("one of the two swept").isEqualTo(2);
        assertThat(TaskStore.sweepKeptReservations(pool, 1).await().atMost(WAIT)).isEqualTo(1);
        assertThat(rowsOf(first.held()) + rowsOf(second)).isZero();
    }

    @Test
    void theSweepAndItsProbeUseThePartialIndex() {
        // the index answers the predicate (on a tiny table the planner may prefer a scan anyway)
        String plan = pool.withTransaction(tx -> tx.query("SET LOCAL enable_seqscan = off").execute()
                        .chain(() -> tx.query("EXPLAIN SELECT id FROM task WHERE reservations_kept AND app_lock IS NULL"
                                + " ORDER BY id LIMIT 100").execute()))
                .map(rows -> {
                    StringBuilder lines = new StringBuilder();
                    rows.forEach(row -> lines.append(row.getString(0)).append('\n'));
                    return lines.toString();
                })
                .await().atMost(WAIT);
        assertThat(plan).contains("task_reservations_kept");
    }

    @Test
    void deletingAFinalTaskThatHoldsRowsRecordsItsRelease() {
        Leftover leftover = reapedWithoutSweep();
        assertThat(TaskStore.deleteIfFinal(pool, leftover.held()).await().atMost(WAIT)).isTrue();
        assertThat(count("SELECT count(*) FROM reservation_release")).as("L1's release recorded").isPositive();
        unblockReleased();
        assertThat(unblocked(leftover.behind())).as("the task behind it may start").isTrue();
    }

    @Test
    void purgingAFinalTaskThatHoldsRowsRecordsItsRelease() {
        Leftover leftover = reapedWithoutSweep();
        int purged = pool.preparedQuery(TaskSql.PURGE_BATCH)
                .execute(Tuple.of(OffsetDateTime.now().plusHours(1), new String[] {"failed"}, 10,
                        signalName(), Signal.UNBLOCK.payload()))
                .await().atMost(WAIT).rowCount();
        assertThat(purged).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM reservation_release")).as("L1's release recorded").isPositive();
        unblockReleased();
        assertThat(unblocked(leftover.behind())).as("the task behind it may start").isTrue();
    }

    private WorkerDues beat() {
        return WorkerDues.beat(pool, me, DUTIES, HANDLERS).await().atMost(WAIT);
    }

    private long rowsOf(UUID task) {
        return pool.preparedQuery("SELECT count(*) FROM task_reservation WHERE task_id = $1").execute(Tuple.of(task))
                .await().atMost(WAIT).iterator().next().getLong(0);
    }
}
