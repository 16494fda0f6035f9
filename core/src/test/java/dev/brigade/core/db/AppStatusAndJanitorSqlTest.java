package dev.brigade.core.db;

import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
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
        assertThat(dueDuties()).containsExactly("queue-metrics", "reap-missing-processes");
        assertThat(beat(me).dueDuties()).as("the heartbeat reads the same").isEqualTo(dueDuties());
        assertThat(takeDuty("reap-missing-processes", 3600)).isTrue();
        assertThat(dueDuties()).as("taken: not due for its interval").containsExactly("queue-metrics");
    }

    @Test
    void theHeartbeatSaysWhatIsDueForTheWorker() {
        WorkerDues quiet = beat(me);
        assertThat(quiet.alive()).isTrue();
        assertThat(quiet.claimable()).isFalse();
        assertThat(quiet.releases()).isFalse();
        assertThat(quiet.held()).isZero();
        assertThat(quiet.canceling()).isFalse();
        assertThat(quiet.missing()).isFalse();

        UUID first = dispatch(List.of("D1"), List.of());
        UUID second = dispatch(List.of("D1"), List.of()); // behind the first on D1: not claimable
        assertThat(beat(me).claimable()).as("a task waits unclaimed").isTrue();
        claim().orElseThrow();
        WorkerDues holding = beat(me);
        assertThat(holding.claimable()).as("the only free task is claimed").isFalse();
        assertThat(holding.held()).isEqualTo(1);
        assertThat(holding.releases()).isFalse();
        assertThat(holding.canceling()).isFalse();

        pool.preparedQuery("UPDATE task SET state = 'canceling' WHERE id = $1").execute(Tuple.of(first)).await().atMost(WAIT);
        assertThat(beat(me).canceling()).isTrue();
        finish(task(first), TaskState.CANCELED).orElseThrow();
        WorkerDues released = beat(me);
        assertThat(released.releases()).as("D1 released, the unblocker has work").isTrue();
        unblockReleased();
        assertThat(beat(me).claimable()).as("the second task, unblocked").isTrue();
        assertThat(task(second).appLock()).isNull();
        assertThat(beat(me).claimableFor().orElseThrow()).as("claimable since it was unblocked, a moment ago")
                .isLessThan(Duration.ofSeconds(5));
        pool.preparedQuery("UPDATE task SET unblocked_at = now() - interval '1 minute' WHERE id = $1")
                .execute(Tuple.of(second)).await().atMost(WAIT);
        assertThat(beat(me).claimableFor().orElseThrow()).as("how long the first task in claim order has waited")
                .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(65));

        UUID other = register("worker");
        pool.preparedQuery(AppStatusSql.EXPIRE_SOON).execute(Tuple.of(other, 0.0)).await().atMost(WAIT);
        assertThat(beat(me).missing()).as("a process to reap").isTrue();
        pool.query(AppStatusSql.DELETE_MISSING).execute().await().atMost(WAIT);
        assertThat(beat(me).missing()).isFalse();

        assertThat(WorkerDues.read(pool, me, DUTIES, HANDLERS).await().atMost(WAIT).dueDuties()).isEqualTo(dueDuties());
        assertThat(WorkerDues.read(pool, me, List.of(), HANDLERS).await().atMost(WAIT).dueDuties())
                .as("an auxiliary worker asks about no duty").isEmpty();
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(me)).await().atMost(WAIT);
        assertThat(beat(me).alive()).as("a reaped worker learns it from its heartbeat").isFalse();
    }

    @Test
    void theHeartbeatSaysWhenAScheduleIsDueAndItsLastTaskFinal() {
        pool.query("UPDATE task_schedule SET enabled = false").execute().await().atMost(WAIT); // the built-in retention
        assertThat(beat(me).scheduleDue()).isFalse();
        UUID last = dispatch(List.of("S1"), List.of());
        pool.preparedQuery("""
                        INSERT INTO task_schedule (id, name, task_name, args, dispatch_interval, next_dispatch, last_task)
                        VALUES (gen_random_uuid(), 'due-test', 'brigade.echo', '{}', interval '1 hour', now() - interval '1 second', $1)""")
                .execute(Tuple.of(last)).await().atMost(WAIT);
        assertThat(beat(me).scheduleDue()).as("due, but its last task is still incomplete").isFalse();
        finish(claim().orElseThrow(), TaskState.COMPLETED).orElseThrow();
        assertThat(beat(me).scheduleDue()).isTrue();
        pool.query("DELETE FROM task_schedule WHERE name = 'due-test'").execute().await().atMost(WAIT);
    }

    private static final List<String> DUTIES = List.of("queue-metrics", "reap-missing-processes");

    private WorkerDues beat(UUID worker) {
        return WorkerDues.beat(pool, worker, DUTIES, HANDLERS).await().atMost(WAIT);
    }

    private List<String> dueDuties() {
        return WorkerDues.read(pool, me, DUTIES, HANDLERS).await().atMost(WAIT).dueDuties();
    }

    private boolean takeDuty(String name, double seconds) {
        return pool.withTransaction(tx -> tx.preparedQuery(JanitorSql.TAKE_DUE_DUTY).execute(Tuple.of(name, seconds, 7)))
                .await().atMost(WAIT).rowCount() == 1;
    }
}
