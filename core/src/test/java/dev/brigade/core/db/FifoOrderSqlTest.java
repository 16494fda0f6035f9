package dev.brigade.core.db;

import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FIFO and mutual exclusion must not rest on the database clock: a clock stepped back (an NTP
 * step, a failover to a standby whose clock is behind) or two conflicting tasks in one
 * microsecond must not let a later task run beside an earlier one. In each case a task that
 * holds X keeps the later task waiting until it finishes; its release makes the unblocker check
 * the later task, which must still find the earlier task on R in its way.
 */
class FifoOrderSqlTest extends SqlTestSupport {

    @Test
    void aTaskDispatchedWhileTheClockIsBehindItsPredecessorsStillWaitsForIt() {
        UUID holder = dispatch(List.of("X"), List.of());
        UUID first = dispatch(List.of("R"), List.of());
        // the clock steps back an hour: every task dispatched from now on reads earlier than first
        shift(first, "1 hour");
        UUID second = dispatch(List.of("R", "X"), List.of());
        assertThat(task(second).createdAt()).isBefore(task(first).createdAt());
        assertThat(unblocked(second)).isFalse();

        runToCompletion(holder);
        unblockReleased();
        assertThat(unblocked(second)).as("first, dispatched before it, still holds R").isFalse();
        runToCompletion(first);
        unblockReleased();
        assertThat(unblocked(second)).isTrue();
    }

    @Test
    void twoConflictingTasksOfTheSameMicrosecondKeepTheirDispatchOrder() {
        UUID holder = dispatch(List.of("X"), List.of());
        // the later task gets the smaller id: a tie on created_at broken by id would put it first
        UUID first = dispatch(UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff"), NAME, List.of("R"), List.of(),
                false, Map.of());
        UUID second = dispatch(UUID.fromString("00000000-0000-4000-8000-000000000000"), NAME, List.of("R", "X"),
                List.of(), false, Map.of());
        sameTimeAs(second, first);
        assertThat(task(second).createdAt()).isEqualTo(task(first).createdAt());

        runToCompletion(holder);
        unblockReleased();
        assertThat(unblocked(second)).as("first, dispatched before it, still holds R").isFalse();
        runToCompletion(first);
        unblockReleased();
        assertThat(unblocked(second)).isTrue();
    }

    @Test
    void theOrderIsDrawnInDispatchOrderAndSharedByATasksRows() {
        UUID first = dispatch(List.of("R", "S"), List.of());
        UUID second = dispatch(List.of("R"), List.of("S"));
        UUID third = dispatch(List.of(), List.of("S"));
        assertThat(fifo(first)).as("one number per task, on all its rows").hasSize(1);
        assertThat(fifo(second)).hasSize(1);
        assertThat(fifo(first).getFirst()).isLessThan(fifo(second).getFirst());
        assertThat(fifo(second).getFirst()).isLessThan(fifo(third).getFirst());
    }

    private List<Long> fifo(UUID task) {
        List<Long> numbers = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT DISTINCT task_fifo FROM task_reservation WHERE task_id = $1").execute(Tuple.of(task))
                .await().atMost(WAIT).forEach(row -> numbers.add(row.getLong(0)));
        return numbers;
    }

    /** The times of a task and its reservation rows, moved by an interval (what a clock step leaves). */
    private void shift(UUID task, String by) {
        pool.preparedQuery("UPDATE task SET created_at = created_at + $2::text::interval WHERE id = $1")
                .execute(Tuple.of(task, by)).await().atMost(WAIT);
        pool.preparedQuery("UPDATE task_reservation SET task_created_at = task_created_at + $2::text::interval WHERE task_id = $1")
                .execute(Tuple.of(task, by)).await().atMost(WAIT);
    }

    /** The times of a task and its reservation rows made those of another one. */
    private void sameTimeAs(UUID task, UUID other) {
        pool.preparedQuery("UPDATE task SET created_at = (SELECT created_at FROM task WHERE id = $2) WHERE id = $1")
                .execute(Tuple.of(task, other)).await().atMost(WAIT);
        pool.preparedQuery("""
                        UPDATE task_reservation SET task_created_at = (SELECT created_at FROM task WHERE id = $2)
                        WHERE task_id = $1""")
                .execute(Tuple.of(task, other)).await().atMost(WAIT);
    }
}
