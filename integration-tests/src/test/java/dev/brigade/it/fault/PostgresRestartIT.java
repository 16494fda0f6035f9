package dev.brigade.it.fault;

import dev.brigade.core.config.DatabaseUrls;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.TestDatabase;
import dev.brigade.it.check.InvariantChecker;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskReader;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.db.TestDispatcher;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.FreePorts;
import dev.brigade.it.env.PgBouncer;
import dev.brigade.it.env.Programs;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped for a few seconds in the middle of a run and started again on the same port
 * and data directory: the workers report not ready while it is gone and ready again after, they
 * do not exit, every task ends final and the invariants hold. In every connection mode: in the
 * pgbouncer modes the workers' BRIGADE_DB_URL goes through a PgBouncer of the test's own in front of
 * that PostgreSQL (it stays up through the outage; LISTEN and migrations go straight to PostgreSQL).
 * <p>
 * The ttl is 30 s, not less: a worker halts (exit 4) when a heartbeat fails and the last good one
 * is 2/3 ttl old; heartbeats go every ttl/3, so an outage longer than ttl/3 may already span two
 * heartbeats. The outage here (stop + 3 s + start) is several seconds, well under ttl/3 = 10 s.
 */
@Timeout(170)
class PostgresRestartIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final int TASKS = 150;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    private EmbeddedPostgres postgres;
    private PgBouncer pgBouncer;
    private Vertx vertx;
    private Pool pool;

    @AfterEach
    void stopPostgres() throws IOException {
        if (pgBouncer != null) {
            pgBouncer.close();
            pgBouncer = null;
        }
        if (pool != null) {
            pool.closeAndAwait();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (postgres != null) {
            postgres.close();
        }
        deleteRecursively(dataDirectory());
    }

    private static Path dataDirectory() {
        return Programs.workRoot().resolve("PostgresRestartIT").resolve("pgdata");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void workersRideOutAPostgresRestart(ConnectionMode mode) throws Exception {
        Path dataDirectory = dataDirectory();
        deleteRecursively(dataDirectory);
        Files.createDirectories(dataDirectory.getParent());
        int port = FreePorts.next();
        postgres = startPostgres(port, dataDirectory);
        String jdbcAdmin = "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
        try (Connection admin = DriverManager.getConnection(jdbcAdmin); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE brigade_restart");
        }
        String url = "postgresql://postgres@localhost:" + port + "/brigade_restart";
        Flyway.configure().dataSource(DatabaseUrls.parse(url).jdbc(), null, null).load().migrate();
        vertx = Vertx.vertx();
        pool = new TestDatabase.Fresh(url, DatabaseUrls.parse(url).jdbc()).pool(vertx, 4);

        String workerUrl = url;
        if (mode.throughPgBouncer()) {
            pgBouncer = PgBouncer.start("postgresql://postgres@localhost:" + port + "/postgres",
                    Programs.workRoot().resolve("PostgresRestartIT").resolve("pgbouncer-" + mode.name()),
                    env.testLogs().resolve("pgbouncer.log"));
            workerUrl = pgBouncer.url("brigade_restart");
        }
        List<WorkerProcess> workers = env.startWorkers(2, WorkerSpec.of(mode).concurrency(2).ttl(TTL)
                .with("brigade.retention", "off"), workerUrl, url);
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            TaskSpec sleep = TaskSpec.sleep(0.05);
            String resource = "repository:" + (i % 20);
            specs.add(i % 3 == 0 ? sleep.shared(resource) : sleep.exclusive(resource));
        }
        new TestDispatcher(pool).dispatchAll(specs, 8);
        TaskReader reader = new TaskReader(pool);
        Await.until("some tasks final before the outage", Duration.ofSeconds(60),
                () -> TASKS - reader.incomplete(), done -> done >= 30);
        long finalBefore = TASKS - reader.incomplete();

        // Watch every worker's readiness through the outage.
        AtomicIntegerArray sawDown = new AtomicIntegerArray(workers.size());
        AtomicIntegerArray sawUpAfterDown = new AtomicIntegerArray(workers.size());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().name("readiness-watcher").start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (watching.get() && System.nanoTime() < deadline) {
                for (int w = 0; w < workers.size(); w++) {
                    boolean ready = workers.get(w).ready();
                    if (!ready) {
                        sawDown.set(w, 1);
                    } else if (sawDown.get(w) == 1) {
                        sawUpAfterDown.set(w, 1);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        pool.closeAndAwait();
        pool = null;
        long stopping = System.nanoTime();
        postgres.close();
        postgres = null;
        Thread.sleep(OUTAGE);
        Await.until("every worker seen not ready during the outage", Duration.ofSeconds(5),
                () -> sawDown.get(0) == 1 && sawDown.get(1) == 1);
        postgres = startPostgres(port, dataDirectory);
        double outage = (System.nanoTime() - stopping) / 1e9;
        pool = new TestDatabase.Fresh(url, DatabaseUrls.parse(url).jdbc()).pool(vertx, 4);
        TaskReader after = new TaskReader(pool);

        Await.until("every worker ready again after the restart", Duration.ofSeconds(60),
                () -> sawUpAfterDown.get(0) == 1 && sawUpAfterDown.get(1) == 1);
        watching.set(false);
        watcher.join(Duration.ofSeconds(10));
        try {
            Await.until("every task final", Duration.ofSeconds(90), after::incomplete, incomplete -> incomplete == 0);
        } catch (AssertionError e) {
            List<TaskRecord> stuck = after.all().stream().filter(t -> !t.state().isFinal()).toList();
            throw new AssertionError(e.getMessage() + "; incomplete by state: "
                    + stuck.stream().collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting()))
                    + "; running (held by live workers " + workers + "): "
                    + stuck.stream().filter(t -> t.state() == TaskState.RUNNING).map(t -> t.id() + "@" + t.worker()).toList(), e);
        }

        List<TaskRecord> all = after.all();
        Map<TaskState, Long> states = new TreeMap<>(all.stream().collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting())));
        System.out.printf("[pg-restart] %s: outage %.1f s, %d tasks final before it; end states %s%n", mode, outage,
                finalBefore, states);
        assertThat(workers).allSatisfy(w -> assertThat(w.alive()).as("%s did not exit; log %s", w, w.log()).isTrue());
        assertThat(all).hasSize(TASKS);
        InvariantChecker.assertHolds(all);
        assertThat(after.leftoverReservations()).isZero();
    }

    private static EmbeddedPostgres startPostgres(int port, Path dataDirectory) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
