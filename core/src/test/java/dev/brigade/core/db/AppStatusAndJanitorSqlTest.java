package dev.brigade.core.db;

import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AppStatusAndJanitorSqlTest extends SqlTestSupport {

    @Test
    void heartbeatRefreshesOnlyItsOwnRowAndReportsAMissingOne() {
        UUID other = register("worker");
        pool.query("UPDATE app_status SET last_heartbeat = now() - interval '1 hour'").execute().await().atMost(WAIT);
        assertThat(pool.preparedQuery(AppStatusSql.HEARTBEAT).execute(Tuple.of(me)).await().atMost(WAIT).rowCount())
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM app_status WHERE last_heartbeat > now() - interval '1 minute'"))
                .isEqualTo(1);
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(other)).await().atMost(WAIT);
        assertThat(pool.preparedQuery(AppStatusSql.HEARTBEAT).execute(Tuple.of(other)).await().atMost(WAIT).rowCount())
                .as("a reaped process learns it from its heartbeat").isZero();
    }

    @Test
    void deleteMissingRemovesOnlyExpiredProcessesAndFreesTheirTasks() {
        UUID missing = register("worker");
        UUID heldByMissing = dispatch(List.of("M1"), List.of());
        UUID heldByMe = dispatch(List.of("M2"), List.of());
        claim(missing, java.util.Map.of()).orElseThrow();
        claim().orElseThrow();
        pool.preparedQuery(AppStatusSql.EXPIRE_SOON).execute(Tuple.of(missing, 0.0)).await().atMost(WAIT);
        var deleted = pool.query(AppStatusSql.DELETE_MISSING).execute().await().atMost(WAIT);
        assertThat(deleted.rowCount()).isEqualTo(1);
        assertThat(deleted.iterator().next().getUUID("id")).isEqualTo(missing);
        assertThat(task(heldByMissing).appLock()).isNull();
        // claimed means started: the next claim finishes it failed, "worker … has gone missing"
        assertThat(task(heldByMissing).state()).isEqualTo(TaskState.RUNNING);
        assertThat(task(heldByMe).appLock()).isEqualTo(me);
        assertThat(count("SELECT count(*) FROM app_status")).isEqualTo(1);
    }

    @Test
    void aDutyIsTakenOncePerIntervalFleetWide() {
        assertThat(takeDuty("reap-missing-processes", 3600)).isTrue();
        assertThat(takeDuty("reap-missing-processes", 3600)).as("not due again").isFalse();
        assertThat(takeDuty("dispatch-schedules", 3600)).as("other duties are untouched").isTrue();
    }

    @Test
    void theDueDutiesAreTheOnesNotTakenWithinTheirInterval() {
        assertThat(dueDuties()).containsExactlyInAnyOrder("reap-missing-processes", "dispatch-schedules", "queue-metrics");
        assertThat(takeDuty("reap-missing-processes", 3600)).isTrue();
        assertThat(dueDuties()).as("taken: not due for its interval")
                .containsExactlyInAnyOrder("dispatch-schedules", "queue-metrics");
    }

    private List<String> dueDuties() {
        List<String> names = new ArrayList<>();
        pool.query(JanitorSql.DUE_DUTIES).execute().await().atMost(WAIT).forEach(row -> names.add(row.getString("name")));
        return names;
    }

    private boolean takeDuty(String name, double seconds) {
        return pool.withTransaction(tx -> tx.preparedQuery(JanitorSql.TAKE_DUE_DUTY).execute(Tuple.of(name, seconds, 7)))
                .await().atMost(WAIT).rowCount() == 1;
    }
}
