package dev.brigade.bench;

import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peers' "process" scenario (../shared/peer-bench) on the harness's own database, with the
 * invariant checker on every run: N no-op tasks (brigade.echo) queued by bulk dispatch while no
 * worker runs, then W worker processes × concurrency 10 started; the rate from spawn to the last
 * completion (as the peers are measured), the rate from the first completion to the last (the
 * database's clock: start-up left out), and the statements the workers ran per task
 * (pg_stat_statements, top level, the bench's own left out). Cases: no resources, and each task
 * exclusive on one of 1,000. Settings: the defaults, and brigade.worker.prefetch=0 (no local queue).
 * A run whose tasks do not all complete or that breaks an invariant fails instead of reporting.
 */
class DrainBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(10);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final int tasks = Integer.getInteger("bench.tasks", 20_000);
    private final int runs = Integer.getInteger("bench.runs", 3);

    @Test
    void drain() {
        Pool pool = ENV.pool();
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
        BenchReport.line("| case | workers × 10 | settings | from spawn (tasks/s) | from first completion (tasks/s) | statements per task |");
        BenchReport.line("| --- | --- | --- | --- | --- | --- |");
        for (String resources : List.of("none", "rand1000")) {
            for (int workers : new int[] {1, 2}) {
                for (String prefetch : List.of("default", "0")) {
                    measure(pool, resources, workers, prefetch);
                }
            }
        }
    }

    private void measure(Pool pool, String resources, int workers, String prefetch) {
        List<Double> fromSpawn = new ArrayList<>();
        List<Double> fromFirst = new ArrayList<>();
        List<Double> statements = new ArrayList<>();
        WorkerSpec spec = WorkerSpec.of(ConnectionMode.DIRECT).concurrency(10);
        if (!prefetch.equals("default")) {
            spec = spec.with("brigade.worker.prefetch", prefetch);
        }
        for (int run = 0; run < runs; run++) {
            queue(resources);
            pool.query("SELECT pg_stat_statements_reset()").execute().await().atMost(WAIT);
            long start = System.nanoTime();
            List<WorkerProcess> started = ENV.startWorkers(workers, spec);
            Await.until("all tasks final", WAIT, () -> ENV.tasks().incomplete(), n -> n == 0);
            fromSpawn.add(tasks / ((System.nanoTime() - start) / 1e9));
            Row times = pool.query("""
                    SELECT extract(epoch FROM max(finished_at) - min(finished_at))::float8 AS span
                    FROM task WHERE state = 'completed'""").execute().await().atMost(WAIT).iterator().next();
            fromFirst.add(tasks / times.getDouble("span"));
            statements.add(pool.query("""
                    SELECT coalesce(sum(calls), 0)::float8 AS calls FROM pg_stat_statements
                    WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND query NOT ILIKE '%pg_stat%' AND query NOT ILIKE '%FROM task WHERE state%'""")
                    .execute().await().atMost(WAIT).iterator().next().getDouble("calls") / tasks);
            started.forEach(WorkerProcess::terminate);
            started.forEach(w -> assertThat(w.awaitExit(Duration.ofMinutes(1))).isZero());
            assertThat(ENV.tasks().incomplete()).isZero();
            ENV.assertInvariants();
            pool.query("DELETE FROM task").execute().await().atMost(WAIT);
        }
        BenchReport.line(String.format("| %s | %d | prefetch %s | %s | %s | %s |", resources, workers, prefetch,
                Stats.of(fromSpawn).format("/s"), Stats.of(fromFirst).format("/s"), Stats.of(statements).format("")));
    }

    /** N tasks in bulk dispatches of 1,000, before any worker runs. */
    private void queue(String resources) {
        Random random = new Random(1);
        List<TaskSpec> batch = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            TaskSpec spec = TaskSpec.echo(i);
            batch.add(resources.equals("none") ? spec : spec.exclusive("repo-" + random.nextInt(1000)));
            if (batch.size() == 1000 || i == tasks - 1) {
                ENV.dispatcher().dispatchBulk(batch);
                batch.clear();
            }
        }
    }
}
