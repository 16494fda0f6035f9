package dev.brigade.bench;

import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle fleet: N workers with nothing to do for a minute. Statements per second they send
 * (pg_stat_statements, the bench's own statements excluded) and server connections they hold,
 * straight to PostgreSQL and through PgBouncer (signals listen and poll).
 */
class IdleFleetBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(1);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final List<Integer> sizes = Arrays.stream(System.getProperty("bench.fleet", "10,25").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    private final Duration window = Duration.ofSeconds(Long.getLong("bench.idle-seconds", 60));

    @Test
    void idleFleet() throws InterruptedException {
        Pool pool = ENV.pool();
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
        BenchReport.line("| mode | workers | statements/s (fleet) | statements/s per worker | server connections |");
        BenchReport.line("| --- | --- | --- | --- | --- |");
        for (ConnectionMode mode : ConnectionMode.values()) {
            for (int size : sizes) {
                long baseline = connections(pool);
                // started five at a time: dozens of JVMs starting at once on two cores starve each
                // other's heartbeats (a worker halts rather than be judged missing)
                List<WorkerProcess> fleet = new java.util.ArrayList<>();
                for (int started = 0; started < size; started += 5) {
                    fleet.addAll(ENV.startWorkers(Math.min(5, size - started), WorkerSpec.defaults(mode)));
                }
                Thread.sleep(35_000); // start-up settles; idle pool connections time out (30 s)
                pool.query("SELECT pg_stat_statements_reset()").execute().await().atMost(WAIT);
                Thread.sleep(window.toMillis());
                double statements = pool.query("""
                                SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
                                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                                  AND query NOT ILIKE '%pg_stat%'""")
                        .execute().await().atMost(WAIT).iterator().next().getDouble("calls") / window.toSeconds();
                long held = connections(pool) - baseline;
                fleet.forEach(WorkerProcess::terminate);
                fleet.forEach(w -> assertThat(w.awaitExit(WAIT)).isZero());
                BenchReport.line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %d |",
                        mode, size, statements, statements / size, held));
            }
        }
    }

    private static long connections(Pool pool) {
        return pool.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                .execute().await().atMost(WAIT).iterator().next().getLong(0);
    }
}
