package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's way of hearing about work survives the loss of its database sessions, in every
 * connection mode. Signals mode listen (direct, and pgbouncer+listen, whose LISTEN session goes
 * straight to PostgreSQL as well): the LISTEN session is killed; the worker reconnects, and tasks
 * dispatched after that are picked up on their signal again, not only by the slow safety poll.
 * Signals mode relay: the session killed is the relay's (the api-server's; the worker has none):
 * the relay drops its subscribers until it listens again, they poll meanwhile and subscribe again.
 * Signals mode poll (pgbouncer+poll) has no session of its own to kill: every server backend of
 * the database but the test's own is killed (so PgBouncer's server connections the worker's
 * queries run on); the worker carries on polling, stays ready, and picks tasks up within its poll
 * interval.
 */
@Timeout(120)
class SignalsIT {
    /** Far below the 10 s safety poll: only a heard signal explains a pickup this fast. */
    private static final Duration HEARD = Duration.ofSeconds(3);
    /** The worker's poll interval in signals mode poll (its default, set here to be explicit). */
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** A pickup by polling: one poll interval, plus slack for a loaded machine. */
    private static final Duration POLLED = POLL_INTERVAL.plusSeconds(2);
    /** BrigadeEnvironment's test pool has 8 connections; saturating it with more finds them all. */
    private static final int TEST_POOL_PROBES = 16;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConnectionMode.class, names = {"DIRECT", "PGBOUNCER_LISTEN", "PGBOUNCER_RELAY"})
    void aWorkerWhoseListenSessionIsKilledReconnectsAndHearsSignalsAgain(ConnectionMode mode) {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode).concurrency(1));
        assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(1)))).as("before").isLessThan(HEARD);

        List<Integer> killed = listenSessions();
        assertThat(killed).as("the worker's LISTEN session").isNotEmpty();
        terminate(killed);
        Await.until("a new LISTEN session", Duration.ofSeconds(30),
                () -> listenSessions().stream().anyMatch(pid -> !killed.contains(pid)));
        Await.until("the worker ready again", Duration.ofSeconds(30), worker::ready);
        if (mode.relay()) { // the relay dropped its subscribers with its session; the worker is back
            Await.until("the worker subscribed to the relay again", Duration.ofSeconds(30), worker::relayConnected);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(2 + i))))
                    .as("a task dispatched after the reconnect is picked up on its signal").isLessThan(HEARD);
        }
        env.assertInvariants();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConnectionMode.class, names = {"PGBOUNCER_POLL"})
    void aPollingWorkerWhoseServerConnectionsAreKilledCarriesOn(ConnectionMode mode) throws InterruptedException {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode).concurrency(1)
                .with("brigade.worker.poll-interval", POLL_INTERVAL.toSeconds() + "S")
                .with("brigade.worker.poll-max-interval", POLL_INTERVAL.toSeconds() + "S"));
        assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(1)))).as("before").isLessThan(POLLED);

        // readiness watched from just before the kill to the end
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger notReady = new AtomicInteger();
        Thread watcher = Thread.ofPlatform().name("readiness-watcher").start(() -> {
            while (watching.get()) {
                if (!worker.ready()) {
                    notReady.incrementAndGet();
                }
                sleepQuietly();
            }
        });
        try {
            List<String> killed = terminateAllButTheTestsOwnBackends();
            System.out.printf("[signals] %s: terminated %d backends: %s%n", mode, killed.size(), killed);
            assertThat(killed).as("PgBouncer's server connections the worker's queries ran on").isNotEmpty();
            for (int i = 0; i < 3; i++) {
                assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(2 + i))))
                        .as("a task dispatched after the kill is picked up within the poll interval").isLessThan(POLLED);
            }
        } finally {
            watching.set(false);
            watcher.join(Duration.ofSeconds(10));
        }
        assertThat(notReady.get()).as("readiness probes that failed after the kill; log %s", worker.log()).isZero();
        assertThat(worker.alive()).isTrue();
        env.assertInvariants();
    }

    private static Duration pickupDelay(UUID id) {
        TaskRecord done = env.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        return Duration.between(done.createdAt(), done.startedAt());
    }

    private static List<Integer> listenSessions() {
        List<Integer> pids = new ArrayList<>();
        env.pool().query("""
                        SELECT pid FROM pg_stat_activity
                        WHERE datname = current_database() AND query LIKE 'LISTEN%'""")
                .execute().await().atMost(Duration.ofSeconds(30)).forEach(row -> pids.add(row.getInteger("pid")));
        return pids;
    }

    private static void terminate(List<Integer> pids) {
        env.pool().preparedQuery("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid")
                .execute(Tuple.of(pids.toArray(Integer[]::new))).await().atMost(Duration.ofSeconds(30));
    }

    /**
     * Kills every client backend of the test database except the test pool's own connections;
     * returns what it killed (pid, application name, state) for the log.
     */
    private static List<String> terminateAllButTheTestsOwnBackends() {
        Set<Integer> ours = testPoolBackends();
        List<String> killed = new ArrayList<>();
        env.pool().preparedQuery("""
                        SELECT pid, application_name, state, pg_terminate_backend(pid) AS terminated
                        FROM pg_stat_activity
                        WHERE datname = current_database() AND backend_type = 'client backend'
                          AND pid <> pg_backend_pid() AND pid <> ALL($1::int[])""")
                .execute(Tuple.of(ours.toArray(Integer[]::new))).await().atMost(Duration.ofSeconds(30))
                .forEach(row -> killed.add(row.getInteger("pid") + " " + row.getString("application_name")
                        + " (" + row.getString("state") + ")" + (row.getBoolean("terminated") ? "" : " not terminated")));
        return killed;
    }

    /**
     * The backend pids of every connection of the test pool: more concurrent sleeps than it has
     * connections keep each connection busy at once, so each one reports its pid.
     */
    private static Set<Integer> testPoolBackends() {
        List<Uni<Integer>> probes = IntStream.range(0, TEST_POOL_PROBES).mapToObj(i -> env.pool()
                .query("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)").execute()
                .map(rows -> rows.iterator().next().getInteger("pid"))).toList();
        List<Integer> pids = Uni.join().all(probes).andFailFast().await().atMost(Duration.ofSeconds(30));
        return new TreeSet<>(pids);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
