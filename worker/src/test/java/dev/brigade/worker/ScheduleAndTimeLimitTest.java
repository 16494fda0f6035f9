package dev.brigade.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedules dispatched by the janitor, and the time limit of immediate tasks run by a worker. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ScheduleAndTimeLimitTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    Dispatcher dispatcher;

    @Test
    void aOneShotScheduleFiresOnceAndIsDone() {
        UUID schedule = schedule("once", null, "now()");
        Row row = awaitSchedule(schedule, r -> r.getUUID("last_task") != null);
        assertThat(row.getOffsetDateTime("next_dispatch")).isNull();
        Task task = awaitFinal(row.getUUID("last_task"));
        assertThat(task.name()).isEqualTo("brigade.echo");
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(count("SELECT count(*) FROM task WHERE name = 'brigade.echo' AND result = '\"once\"'")).isEqualTo(1);
    }

    @Test
    void aRecurringScheduleDispatchesOnceAfterDowntimeAndMovesPastNow() {
        UUID schedule = schedule("recurring", "1 hour", "now() - interval '5 hours 30 minutes'");
        Row row = awaitSchedule(schedule, r -> r.getUUID("last_task") != null);
        awaitFinal(row.getUUID("last_task"));
        assertThat(row.getOffsetDateTime("next_dispatch")).isAfter(OffsetDateTime.now().minusSeconds(5));
        assertThat(row.getOffsetDateTime("next_dispatch")).isBefore(OffsetDateTime.now().plusHours(1));
        assertThat(count("SELECT count(*) FROM task WHERE result = '\"recurring\"'")).as("no catch-up burst").isEqualTo(1);
    }

    @Test
    void aScheduleNeverHasTwoIncompleteTasks() {
        UUID blocker = dispatcher.dispatch(DispatchRequest.of("brigade.sleep",
                        JsonNodeFactory.instance.objectNode().put("seconds", 60))
                .withResources(List.of("schedule-lock"), List.of())).await().atMost(DEADLINE).task().id();
        UUID schedule = UUID.randomUUID();
        pool.preparedQuery("""
                        INSERT INTO task_schedule (id, name, task_name, args, dispatch_interval, next_dispatch, last_task)
                        VALUES ($1, 'overlap', 'brigade.echo', '{"value": "overlap"}', interval '1 second', now(), $2)""")
                .execute(Tuple.of(schedule, blocker)).await().atMost(DEADLINE);
        // the janitor runs every heartbeat (1 s here): give it several chances
        OffsetDateTime until = OffsetDateTime.now().plusSeconds(4);
        while (OffsetDateTime.now().isBefore(until)) {
            assertThat(count("SELECT count(*) FROM task WHERE result = '\"overlap\"' OR args->>'value' = 'overlap'"))
                    .isZero();
            pause();
        }
        assertThat(awaitSchedule(schedule, r -> true).getUUID("last_task")).isEqualTo(blocker);
        pool.preparedQuery("UPDATE task SET state = 'canceling' WHERE id = $1").execute(Tuple.of(blocker))
                .await().atMost(DEADLINE);
        pool.query("SELECT pg_notify('brigade_cancel', '" + blocker + "')").execute().await().atMost(DEADLINE);
        awaitFinal(blocker);
        Row row = awaitSchedule(schedule, r -> !blocker.equals(r.getUUID("last_task")));
        assertThat(awaitFinal(row.getUUID("last_task")).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void anImmediateTaskRunByAWorkerFailsWhenItRunsPastItsTimeLimit() {
        DispatchRequest sleepy = new DispatchRequest("brigade.sleep", JsonNodeFactory.instance.objectNode().put("seconds", 30),
                List.of(), List.of(), true, true, null, null, null, null, null);
        UUID id = dispatcher.dispatch(sleepy).await().atMost(DEADLINE).task().id();
        Task task = awaitFinal(id);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.error().get("description").asText()).contains("timed out");
        assertThat(Duration.between(task.startedAt(), task.finishedAt())).isLessThan(Duration.ofSeconds(10));
    }

    private UUID schedule(String value, String interval, String nextDispatchSql) {
        UUID id = UUID.randomUUID();
        // the time expression is a constant of this test, never input
        pool.preparedQuery("INSERT INTO task_schedule (id, name, task_name, args, dispatch_interval, next_dispatch) "
                        + "VALUES ($1, $2, 'brigade.echo', $3::text::jsonb, $4::text::interval, " + nextDispatchSql + ")")
                .execute(Tuple.of(id, value, "{\"value\": \"" + value + "\"}", interval)).await().atMost(DEADLINE);
        return id;
    }

    private Row awaitSchedule(UUID id, java.util.function.Predicate<Row> condition) {
        return await(() -> {
            Row row = pool.preparedQuery("SELECT last_task, next_dispatch FROM task_schedule WHERE id = $1")
                    .execute(Tuple.of(id)).await().atMost(DEADLINE).iterator().next();
            return condition.test(row) ? row : null;
        });
    }

    private Task awaitFinal(UUID id) {
        return await(() -> {
            Task task = TaskStore.findById(pool, id).await().atMost(DEADLINE).orElseThrow();
            return task.state().isFinal() ? task : null;
        });
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().atMost(DEADLINE).iterator().next().getLong(0);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static <T> T await(Supplier<T> probe) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("condition not reached within " + DEADLINE);
    }
}
