package dev.brigade.bench;

import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thundering herd: N idle workers, then tasks dispatched one at a time (each awaited until
 * completed). Claim statements per dispatched task beyond what the idle fleet claims on its own
 * (its rate measured just before, over the same fleet), all statements per task, and dispatch to
 * handler start (created_at to started_at). In {@code listen} every dispatch reaches every
 * worker; in {@code relay} the relay wakes one.
 *
 * <pre>
 * ./mvnw -B -pl integration-tests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=HerdBenchmark -Dbench.fleet=100 -Dbench.modes=PGBOUNCER_LISTEN,PGBOUNCER_RELAY
 * </pre>
 */
class HerdBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(1);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final List<Integer> sizes = Arrays.stream(System.getProperty("bench.fleet", "20").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    private final List<ConnectionMode> modes = Arrays.stream(System.getProperty("bench.modes",
                    "PGBOUNCER_LISTEN,PGBOUNCER_POLL,PGBOUNCER_RELAY").split(","))
            .map(String::trim).map(ConnectionMode::valueOf).toList();
    private final int tasks = Integer.getInteger("bench.tasks", 100);
    private final Duration idleWindow = Duration.ofSeconds(Long.getLong("bench.idle-seconds", 30));

    @Test
    void herd() throws InterruptedException {
        Pool pool = ENV.pool();
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
        BenchReport.line("| mode | workers | claims per task (beyond idle) | statements per task (beyond idle) "
                + "| idle claims/s | dispatch to start p50 / p99 ms |");
        BenchReport.line("| --- | --- | --- | --- | --- | --- |");
        for (ConnectionMode mode : modes) {
            for (int size : sizes) {
                List<WorkerProcess> fleet = new ArrayList<>();
                for (int started = 0; started < size; started += 5) { // five at a time, as IdleFleetBenchmark
                    fleet.addAll(ENV.startWorkers(Math.min(5, size - started), WorkerSpec.defaults(mode)));
                }
                Thread.sleep(15_000); // start-up settles
                StatementCounts idle = StatementCounts.over(pool, () -> Await.sleep(idleWindow));
                List<Double> pickups = new ArrayList<>();
                StatementCounts busy = StatementCounts.over(pool, () -> {
                    for (int i = 0; i < tasks; i++) {
                        UUID id = ENV.dispatcher().dispatch(TaskSpec.echo(i));
                        TaskRecord done = ENV.awaitFinal(id, WAIT);
                        pickups.add(Duration.between(done.createdAt(), done.startedAt()).toNanos() / 1e6);
                    }
                });
                double claimsBeyondIdle = busy.claims() - idle.claimRate() * busy.seconds();
                double statementsBeyondIdle = busy.statements() - idle.statementRate() * busy.seconds();
                Collections.sort(pickups);
                BenchReport.line(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.2f | %.1f / %.1f |",
                        mode, size, claimsBeyondIdle / tasks, statementsBeyondIdle / tasks, idle.claimRate(),
                        Stats.percentile(pickups, 0.5), Stats.percentile(pickups, 0.99)));
                fleet.forEach(WorkerProcess::terminate);
                fleet.forEach(w -> assertThat(w.awaitExit(WAIT)).isZero());
            }
        }
        ENV.assertInvariants();
    }
}
