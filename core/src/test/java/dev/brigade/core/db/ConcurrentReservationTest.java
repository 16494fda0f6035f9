package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.reservation.Reservations;

import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dispatchers, claimers and unblockers all at once on the statements the programs use, then a
 * check of DESIGN.md's invariants 1-3 over the rows: conflicting tasks never overlap, nothing
 * starts while an earlier conflicting task is incomplete, every task ends final exactly once.
 */
class ConcurrentReservationTest extends SqlTestSupport {
    private static final int TASKS = 600;
    private static final int RESOURCES = 12;

    @Test
    void invariantsHoldUnderConcurrentDispatchClaimAndRelease() throws Exception {
        AtomicBoolean dispatching = new AtomicBoolean(true);
        try (ExecutorService threads = Executors.newFixedThreadPool(6)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int d = 0; d < 2; d++) {
                long seed = d;
                futures.add(threads.submit(() -> dispatchRandom(new Random(seed), TASKS / 2)));
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                UUID worker = register("worker");
                workers.add(threads.submit(() -> work(worker, dispatching)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            dispatching.set(false);
            for (Future<?> f : workers) {
                f.get();
            }
        }
        List<Row> rows = new ArrayList<>();
        pool.query("SELECT id, state, created_at, unblocked_at, started_at, finished_at, reserved_resources FROM task")
                .execute().await().atMost(WAIT).forEach(rows::add);
        assertThat(rows).hasSize(TASKS);
        for (Row row : rows) {
            assertThat(row.getString("state")).isEqualTo("completed");
            assertThat(row.getOffsetDateTime("unblocked_at")).isBeforeOrEqualTo(row.getOffsetDateTime("started_at"));
            assertThat(row.getOffsetDateTime("started_at")).isBeforeOrEqualTo(row.getOffsetDateTime("finished_at"));
        }
        for (Row a : rows) {
            for (Row b : rows) {
                if (!a.getOffsetDateTime("created_at").isBefore(b.getOffsetDateTime("created_at")) || !conflict(a, b)) {
                    continue;
                }
                // a is earlier and conflicts with b: a finished before b started (covers overlap and FIFO)
                OffsetDateTime aFinished = a.getOffsetDateTime("finished_at");
                OffsetDateTime bStarted = b.getOffsetDateTime("started_at");
                assertThat(aFinished).as("%s must finish before %s starts", a.getUUID("id"), b.getUUID("id"))
                        .isBeforeOrEqualTo(bStarted);
            }
        }
        assertThat(count("SELECT count(*) FROM task_reservation")).isZero();
    }

    /** Random tasks, one at a time or (every third call) a batch of five in one statement. */
    private void dispatchRandom(Random random, int count) {
        int i = 0;
        while (i < count) {
            List<TaskStore.NewTask> batch = new ArrayList<>();
            int size = random.nextInt(3) == 0 ? Math.min(5, count - i) : 1;
            for (int b = 0; b < size; b++) {
                List<String> exclusive = new ArrayList<>();
                List<String> shared = new ArrayList<>();
                for (int r = 0; r < 1 + random.nextInt(2); r++) {
                    String name = "r" + random.nextInt(RESOURCES);
                    (random.nextBoolean() ? exclusive : shared).add(name);
                }
                shared.removeAll(exclusive);
                batch.add(new TaskStore.NewTask(UUID.randomUUID(), "brigade.echo", JsonNodeFactory.instance.objectNode(),
                        "cid", Reservations.of(exclusive, shared, "default"), false, true, null, null, Map.of()));
            }
            TaskBatchStore.dispatch(pool, batch).await().atMost(WAIT);
            i += size;
        }
    }

    /** Claims up to three tasks at a time and records their outcomes in one batch, as a worker does. */
    private void work(UUID worker, AtomicBoolean dispatching) {
        while (true) {
            List<TaskBatchStore.Claimed> claimed = TaskBatchStore.claim(pool,
                    new TaskStore.ClaimNext(worker, "test@host", Map.of(), HANDLERS), 3).await().atMost(WAIT);
            if (claimed.isEmpty()) {
                unblockReleased();
                if (!dispatching.get() && count("SELECT count(*) FROM task WHERE state <> 'completed'") == 0) {
                    return;
                }
                continue;
            }
            TaskBatchStore.start(pool, claimed.stream().map(c -> c.task().id()).toList(), worker, "test@host")
                    .await().atMost(WAIT);
            List<TaskBatchStore.Outcome> outcomes = claimed.stream().map(c -> new TaskBatchStore.Outcome(c.task().id(),
                    c.task().reservations(), TaskState.COMPLETED, null, null, TaskState.CANCELED, null, true)).toList();
            TaskBatchStore.FinishResult written = TaskBatchStore.finish(pool, worker, outcomes, false).await().atMost(WAIT);
            assertThat(written.finished()).hasSize(claimed.size());
            unblockReleased();
        }
    }

    private static boolean conflict(Row a, Row b) {
        List<String> ra = Arrays.asList(a.getArrayOfStrings("reserved_resources"));
        List<String> rb = Arrays.asList(b.getArrayOfStrings("reserved_resources"));
        for (String x : ra) {
            for (String y : rb) {
                boolean xExclusive = !x.startsWith("shared:");
                boolean yExclusive = !y.startsWith("shared:");
                String xn = xExclusive ? x : x.substring(7);
                String yn = yExclusive ? y : y.substring(7);
                if (xn.equals(yn) && (xExclusive || yExclusive)) {
                    return true;
                }
            }
        }
        return false;
    }
}
