package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An immediate task whose handler ignored its stop past the grace (the api-server's
 * ImmediateRunner): recorded final but its lock and reservation rows kept
 * (ImmediateSql.FINISH_KEEPING_RESERVATIONS) until its holder lets go once the handler returned
 * (ImmediateSql.RELEASE_KEPT).
 */
class ImmediateKeptReservationSqlTest extends SqlTestSupport {

    @Test
    void theRowsStayUntilTheHolderReleasesThemAndOnlyTheHolderCan() {
        UUID api = register("api");
        UUID other = register("api");
        UUID held = dispatch(List.of("K1"), List.of());
        UUID behind = dispatch(List.of("K1"), List.of());
        pool.preparedQuery(ImmediateSql.CLAIM_DISPATCHED).execute(Tuple.of(held, api, "1@api")).await().atMost(WAIT);
        assertThat(TaskStore.setRunning(pool, held, api).await().atMost(WAIT)).isPresent();
        var error = JsonNodeFactory.instance.objectNode().put("description", "timed out");

        assertThat(TaskStore.finishKeepingReservations(pool, held, other, error).await().atMost(WAIT))
                .as("only the holder records it").isEmpty();
        assertThat(TaskStore.finishKeepingReservations(pool, held, api, error).await().atMost(WAIT))
                .contains(TaskState.FAILED);
        assertThat(task(held).state()).isEqualTo(TaskState.FAILED);
        assertThat(task(held).error().path("description").asText()).isEqualTo("timed out");
        assertThat(task(held).appLock()).as("still held while the handler runs").isEqualTo(api);
        assertThat(rowsOf(held)).isEqualTo(2); // K1 and the domain
        unblockReleased();
        assertThat(unblocked(behind)).as("nothing behind it may start").isFalse();
        assertThat(TaskStore.sweepKeptReservations(pool, 100).await().atMost(WAIT)).as("held: not swept").isZero();
        assertThat(TaskStore.deleteIfFinal(pool, held).await().atMost(WAIT)).as("held: not deleted").isFalse();

        assertThat(TaskStore.releaseKept(pool, held, other).await().atMost(WAIT)).isZero();
        assertThat(rowsOf(held)).isEqualTo(2);

        assertThat(TaskStore.releaseKept(pool, held, api).await().atMost(WAIT)).as("a release recorded").isEqualTo(1);
        assertThat(rowsOf(held)).isZero();
        assertThat(task(held).appLock()).isNull();
        assertThat(task(held).state()).as("the final task itself is untouched").isEqualTo(TaskState.FAILED);
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(behind)).as("the task behind it may start").isTrue();
        assertThat(TaskStore.releaseKept(pool, held, api).await().atMost(WAIT)).as("once only").isZero();
        assertThat(TaskStore.sweepKeptReservations(pool, 100).await().atMost(WAIT)).as("nothing left to sweep").isZero();
    }

    @Test
    void aCancelRequestedMeanwhileEndsCanceled() {
        UUID api = register("api");
        UUID held = dispatch(List.of("K2"), List.of());
        pool.preparedQuery(ImmediateSql.CLAIM_DISPATCHED).execute(Tuple.of(held, api, "1@api")).await().atMost(WAIT);
        TaskStore.setRunning(pool, held, api).await().atMost(WAIT).orElseThrow();
        assertThat(TaskStore.requestCancel(pool, held).await().atMost(WAIT)).contains(Optional.of(api));
        assertThat(TaskStore.finishKeepingReservations(pool, held, api,
                JsonNodeFactory.instance.objectNode().put("description", "timed out")).await().atMost(WAIT))
                .contains(TaskState.CANCELED);
        assertThat(rowsOf(held)).isEqualTo(2);
        TaskStore.releaseKept(pool, held, api).await().atMost(WAIT);
        assertThat(task(held).appLock()).isNull();
        assertThat(rowsOf(held)).isZero();
    }

    private long rowsOf(UUID task) {
        return pool.preparedQuery("SELECT count(*) FROM task_reservation WHERE task_id = $1")
                .execute(Tuple.of(task)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
