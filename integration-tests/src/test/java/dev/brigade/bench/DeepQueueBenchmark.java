package dev.brigade.bench;

import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deep queues: the drain rate of no-op tasks with 1k, 100k (and, with -Dbench.depths, 1M) tasks
 * already waiting, (a) without resources and (b) each exclusive on one of 1,000 resources; and the
 * cost of one unblock step at each depth beside Pulp's full-scan pass on the same rows.
 * Run: see docs/benchmarks.md. Not part of the test suite (failsafe runs *IT only).
 */
class DeepQueueBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(10);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final List<Integer> depths = Arrays.stream(System.getProperty("bench.depths", "1000,100000").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    private final int runs = Integer.getInteger("bench.runs", 3);
    private final int drain = Integer.getInteger("bench.drain", 2000);
    private final int workers = Integer.getInteger("bench.workers", 2);
    private final int concurrency = Integer.getInteger("bench.concurrency", 4);

    @Test
    void deepQueues() {
        BenchReport.line("| case | waiting | drain rate (tasks/s) | unblock step (ms) | Pulp-style full scan (ms) |");
        BenchReport.line("| --- | --- | --- | --- | --- |");
        for (int resources : new int[] {0, 1000}) {
            for (int depth : depths) {
                measure(resources, depth);
            }
        }
    }

    private void measure(int resources, int depth) {
        Pool pool = ENV.pool();
        pool.query("TRUNCATE task, reservation_release, app_status CASCADE").execute().await().atMost(WAIT);
        pool.preparedQuery(BenchSql.POPULATE).execute(Tuple.of(depth, resources)).await().atMost(WAIT);
        pool.query("VACUUM ANALYZE task").execute().await().atMost(WAIT);
        pool.query("VACUUM ANALYZE task_reservation").execute().await().atMost(WAIT);

        Stats unblock = unblockStep(pool);
        double fullScan = fullScan(pool);

        List<WorkerProcess> started = ENV.startWorkers(workers, WorkerSpec.of(ConnectionMode.DIRECT).concurrency(concurrency));
        // the queue must stay deep while measured: each run drains at most a quarter of it
        int perRun = Math.min(drain, depth / (runs + 1));
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            long before = count(pool, BenchSql.COMPLETED);
            // a shallow queue of independent tasks can drain before the window opens: say so, do not wait
            assertThat(count(pool, BenchSql.INCOMPLETE)).as("tasks left to drain at depth %d (the workers drained the "
                    + "queue before run %d: too shallow for this rate)", depth, run + 1).isGreaterThanOrEqualTo(perRun);
            long start = System.nanoTime();
            Await.until(perRun + " more tasks completed", WAIT, () -> count(pool, BenchSql.COMPLETED), n -> n >= before + perRun);
            rates.add(perRun / ((System.nanoTime() - start) / 1e9));
        }
        started.forEach(WorkerProcess::terminate);
        started.forEach(w -> assertThat(w.awaitExit(Duration.ofMinutes(1))).isZero());
        assertThat(count(pool, "SELECT count(*) FROM task WHERE state NOT IN ('waiting', 'completed')")).isZero();
        BenchReport.line(String.format("| %s | %,d | %s | %s | %.1f |",
                resources == 0 ? "(a) no resources" : "(b) exclusive on 1 of " + resources,
                depth, Stats.of(rates).format(""), unblock.format(""), fullScan));
    }

    /**
     * One task claimed, finished and its release unblocked, timed on the unblock step alone (in
     * case (a) the release frees nobody, so nothing is recorded and the step only looks).
     */
    private Stats unblockStep(Pool pool) {
        UUID me = UUID.randomUUID();
        pool.preparedQuery(AppStatusSql.REGISTER).execute(Tuple.of(me, "bench@host", "worker", "{}", 3600.0, "{}"))
                .await().atMost(WAIT);
        TaskStore.ClaimNext claim = new TaskStore.ClaimNext(me, "bench@host", Map.of(), java.util.Set.of("brigade.echo"));
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Task task = TaskStore.claimNext(pool, claim).await().atMost(WAIT).orElseThrow();
            TaskStore.setRunning(pool, task.id(), me).await().atMost(WAIT).orElseThrow();
            TaskBatchStore.finish(pool, me, List.of(new TaskBatchStore.Outcome(task.id(), task.reservations(),
                    TaskState.COMPLETED, null, null, TaskState.CANCELED, null, true)), false).await().atMost(WAIT);
            long start = System.nanoTime();
            TaskBatchStore.unblockStep(pool, 1000).await().atMost(WAIT);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(me)).await().atMost(WAIT);
        return Stats.of(millis);
    }

    private double fullScan(Pool pool) {
        long start = System.nanoTime();
        pool.withTransaction(tx -> tx.query(BenchSql.FULL_SCAN_UNBLOCK).execute()
                        .chain(() -> tx.query("SELECT 1/0").execute())) // roll back: measure, change nothing
                .onFailure().recoverWithNull().await().atMost(WAIT);
        return (System.nanoTime() - start) / 1e6;
    }

    private static long count(Pool pool, String sql) {
        return pool.query(sql).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }
}
