package dev.brigade.core.db;

import dev.brigade.core.signal.Signal;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TaskSql.PURGE_BATCH with the rows it must leave alone (a purge of a task that still holds
 * reservation rows, and the sweep that replaced RELEASE_FINAL: LeftoverReservationSqlTest).
 * (RELEASE_HELD, SELECT_HELD_BY, TRY_UNBLOCKER_LOCK and RELEASES_PENDING no longer exist: the
 * batched pipeline folded them into brigade_finish and brigade_unblock_step, tested in
 * BatchPipelineSqlTest and ReservationSqlTest.)
 */
class PurgeBatchSqlTest extends SqlTestSupport {
    private static final OffsetDateTime LONG_AGO = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime CUTOFF = LONG_AGO.plusYears(1);

    /** Puts a task in a state as its worker would have left it, finished at that time (null: not finished). */
    private void force(UUID id, String state, OffsetDateTime finishedAt) {
        pool.preparedQuery("UPDATE task SET state = $2, app_lock = NULL, unblocked_at = $3,"
                        + " started_at = $3, finished_at = $3 WHERE id = $1")
                .execute(Tuple.of(id, state, finishedAt)).await().atMost(WAIT);
    }

    private long purge(List<String> states, int batch) {
        return pool.preparedQuery(TaskSql.PURGE_BATCH).execute(Tuple.of(CUTOFF, states.toArray(String[]::new), batch,
                        Signal.UNBLOCK.channel().pgName(), Signal.UNBLOCK.payload()))
                .await().atMost(WAIT).rowCount();
    }

    private boolean exists(UUID id) {
        return count("SELECT count(*) FROM task WHERE id = '" + id + "'") == 1;
    }

    @Test
    void purgeDeletesFinalTasksOfTheGivenStatesFinishedBeforeTheTimeOldestFirstUpToTheBatch() {
        UUID oldest = dispatch(List.of(), List.of());
        UUID older = dispatch(List.of(), List.of());
        UUID old = dispatch(List.of(), List.of());
        UUID oldFailed = dispatch(List.of(), List.of());
        UUID recent = dispatch(List.of(), List.of());
        UUID waiting = dispatch(List.of(), List.of());
        force(oldest, "completed", LONG_AGO);
        force(older, "completed", LONG_AGO.plusDays(1));
        force(old, "completed", LONG_AGO.plusDays(2));
        force(oldFailed, "failed", LONG_AGO);
        force(recent, "completed", CUTOFF.plusDays(1));
        // an incomplete task is never purged, even when its state is asked for

        assertThat(purge(List.of("completed", "waiting"), 2)).isEqualTo(2);
        assertThat(exists(oldest)).isFalse();
        assertThat(exists(older)).isFalse();
        assertThat(exists(old)).as("beyond the batch, left for the next").isTrue();

        assertThat(purge(List.of("completed", "waiting"), 2)).isEqualTo(1);
        assertThat(exists(old)).isFalse();
        assertThat(exists(oldFailed)).as("a state not asked for").isTrue();
        assertThat(exists(recent)).as("finished after the time").isTrue();
        assertThat(exists(waiting)).as("incomplete").isTrue();
        assertThat(purge(List.of("completed", "waiting"), 2)).isZero();
    }
}
