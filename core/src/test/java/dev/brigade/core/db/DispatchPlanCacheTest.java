package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.reservation.Reservations;
import io.vertx.mutiny.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * brigade_dispatch must not scan the whole task table: its notify check re-reads the tasks it
 * wrote with id = ANY (ids), planned once per session while the table was small (a sequential
 * scan, which plpgsql then keeps), so a long-lived connection pays O(table) per dispatch, and
 * O(table x batch) per bulk (a 1,000-task call at ~36k rows: 270 of its 317 ms).
 */
class DispatchPlanCacheTest extends SqlTestSupport {
    private static List<TaskStore.NewTask> rows(int n) {
        return IntStream.range(0, n).mapToObj(i -> new TaskStore.NewTask(UUID.randomUUID(), "brigade.echo",
                JsonNodeFactory.instance.objectNode(), "cid", Reservations.of(List.of(), List.of(), "default"),
                false, true, null, null, Map.of())).toList();
    }

    @Test
    void aDispatchOnALongLivedConnectionDoesNotScanTheTaskTable() {
        SqlConnection session = pool.getConnection().await().atMost(WAIT);
        try {
            for (int i = 0; i < 10; i++) { // the table is small: plpgsql settles on its plan
                TaskBatchStore.dispatch(session, rows(1)).await().atMost(WAIT);
            }
            for (int i = 0; i < 30; i++) { // the queue grows to 30k
                TaskBatchStore.dispatch(session, rows(1000)).await().atMost(WAIT);
            }
            session.query("BEGIN").execute().await().atMost(WAIT);
            TaskBatchStore.dispatch(session, rows(1)).await().atMost(WAIT);
            long scans = session.query("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'task'")
                    .execute().await().atMost(WAIT).iterator().next().getLong(0);
            session.query("COMMIT").execute().await().atMost(WAIT);
            assertThat(scans).as("sequential scans of task by one dispatch").isZero();
        } finally {
            session.closeAndAwait();
        }
    }
}
