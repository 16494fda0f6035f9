package dev.brigade.bench;

import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.FleetHostProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
 * Fleets past what this machine holds as processes: {@code bench.fleet} worker identities in one
 * FleetHost process (each the worker's own loop, heartbeat, signal and janitor code with its own
 * app_status row and pool; PostgreSQL cannot tell them from processes), every product default
 * kept. Per mode and size, in this order:
 * <ol>
 * <li>start-up storm: every statement while the fleet starts, its identities spread evenly over
 * {@code bench.start-over}, from the process's launch until the last identity has started;</li>
 * <li>at rest, over {@code bench.idle-seconds}: statements/s of the whole database (the relay's
 * api-server included, the benchmark's own sampling excluded), its sessions (the most seen, and
 * the fleet's share: beyond those before the fleet started), and every 5 s the workers judged
 * missing (a row whose heartbeat is older than its ttl) and the rows left;</li>
 * <li>herd: {@code bench.tasks} tasks dispatched one at a time: claim statements per task beyond
 * the rate at rest, and dispatch to handler start (created_at to started_at).</li>
 * </ol>
 * Every identity's readiness check runs every {@code bench.probe-seconds} (30, deploy/'s period),
 * as a kubelet would ask it. The host must still be alive at the end (an identity whose heartbeat was lost, or that was
 * judged missing, halts it) and exit 0 on SIGTERM; the invariant checker runs on every task.
 *
 * <pre>
 * ./mvnw -B -pl integration-tests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=FleetBenchmark -Dbench.fleet=1000 -Dbench.modes=PGBOUNCER_RELAY -Dbench.idle-seconds=600
 * </pre>
 */
class FleetBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final List<Integer> sizes = Arrays.stream(System.getProperty("bench.fleet", "100").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    private final List<ConnectionMode> modes = Arrays.stream(System.getProperty("bench.modes", "PGBOUNCER_RELAY").split(","))
            .map(String::trim).map(ConnectionMode::valueOf).toList();
    private final int tasks = Integer.getInteger("bench.tasks", 100);
    private final Duration idleWindow = Duration.ofSeconds(Long.getLong("bench.idle-seconds", 60));
    private final Duration startOver = Duration.ofSeconds(Long.getLong("bench.start-over", 60));
    /** Each identity's readiness probe (deploy/'s worker readinessProbe period; 0: none). */
    private final Duration probePeriod = Duration.ofSeconds(Long.getLong("bench.probe-seconds", 30));

    @Test
    void fleet() {
        Pool pool = ENV.pool();
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
        BenchReport.line("| mode | identities | start-up storm: statements/s (× at rest) | at rest: statements/s (per identity) "
                + "| sessions: most seen (the fleet's) | judged missing (most at once) / rows left (fewest) "
                + "| herd: claims per task | dispatch to start p50 / p99 ms |");
        BenchReport.line("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (ConnectionMode mode : modes) {
            for (int size : sizes) {
                measure(pool, mode, size);
            }
        }
        ENV.assertInvariants();
    }

    private void measure(Pool pool, ConnectionMode mode, int size) {
        if (mode.relay()) {
            ENV.relay(); // the relay runs before the fleet, as an api-server does before a rollout
        }
        int sessionsBefore = sessions(pool);
        StatementCounts.reset(pool);
        long storming = System.nanoTime();
        FleetHostProcess fleet = ENV.startFleet(size, startOver,
                WorkerSpec.defaults(mode).with("fleet.probe-period", probePeriod.toString()));
        StatementCounts storm = StatementCounts.since(pool, storming);
        Await.sleep(SETTLE);

        StatementCounts.reset(pool);
        long resting = System.nanoTime();
        int mostSessions = 0;
        long mostMissing = 0;
        long fewestRows = Long.MAX_VALUE;
        while (System.nanoTime() - resting < idleWindow.toNanos()) {
            Await.sleep(SAMPLE_EVERY);
            mostSessions = Math.max(mostSessions, sessions(pool));
            Row health = pool.query(StatementCounts.OWN + """
                             SELECT count(*) FILTER (WHERE last_heartbeat < now() - ttl) AS missing, count(*) AS rows
                             FROM app_status WHERE type = 'worker'""")
                    .execute().await().atMost(WAIT).iterator().next();
            mostMissing = Math.max(mostMissing, health.getLong("missing"));
            fewestRows = Math.min(fewestRows, health.getLong("rows"));
        }
        StatementCounts rest = StatementCounts.since(pool, resting);

        StatementCounts.reset(pool);
        long herding = System.nanoTime();
        List<Double> pickups = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            UUID id = ENV.dispatcher().dispatch(TaskSpec.echo(i));
            TaskRecord done = ENV.awaitFinal(id, WAIT);
            pickups.add(Duration.between(done.createdAt(), done.startedAt()).toNanos() / 1e6);
        }
        StatementCounts herd = StatementCounts.since(pool, herding);
        Collections.sort(pickups);

        assertThat(fleet.alive()).as("no identity halted the host (a lost heartbeat, judged missing)").isTrue();
        BenchReport.line(String.format(Locale.ROOT,
                "| %s | %d | %.1f (%.1f×) | %.1f (%.3f) | %d (%d) | %d / %d | %.2f | %.1f / %.1f |",
                mode, size, storm.statementRate(), storm.statementRate() / rest.statementRate(),
                rest.statementRate(), rest.statementRate() / size, mostSessions, mostSessions - sessionsBefore,
                mostMissing, fewestRows, (herd.claims() - rest.claimRate() * herd.seconds()) / tasks,
                Stats.percentile(pickups, 0.5), Stats.percentile(pickups, 0.99)));
        fleet.terminate();
        assertThat(fleet.awaitExit(Duration.ofMinutes(2))).as("every identity stopped as a worker does").isZero();
    }

    /** Client sessions of this database now, the benchmark's own sampling connection included. */
    private static int sessions(Pool pool) {
        return pool.query(StatementCounts.OWN + """
                         SELECT count(*) AS sessions FROM pg_stat_activity
                         WHERE datname = current_database() AND backend_type = 'client backend'""")
                .execute().await().atMost(WAIT).iterator().next().getInteger("sessions");
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
