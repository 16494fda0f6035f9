package dev.brigade.it.env;

import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.TestDatabase;
import dev.brigade.it.check.HandlerRun;
import dev.brigade.it.check.InvariantChecker;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskReader;
import dev.brigade.it.db.TestDispatcher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What a scenario class runs against, as a JUnit extension ({@code @RegisterExtension static}):
 * a fresh migrated database per class (core's TestDatabase), PgBouncer in transaction mode in
 * front of it (started when a test first needs it), and the worker processes each test starts.
 * Workers are stopped after each test and PgBouncer after the class, whatever the outcome; a JVM
 * shutdown hook covers an aborted run.
 */
public final class BrigadeEnvironment implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private TestDatabase.Fresh database;
    private String databaseName;
    private Vertx vertx;
    private Pool pool;
    private PgBouncer pgBouncer;
    private TestDispatcher dispatcher;
    private TaskReader tasks;
    private String classFolder;
    private Path testLogs;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final List<ApiServerProcess> apiServers = new ArrayList<>();
    private final List<FleetHostProcess> fleets = new ArrayList<>();
    /** Per direct URL (database): the port its relay listens on, told to relay-mode workers. */
    private final Map<String, Integer> relayPorts = new HashMap<>();
    /** Per direct URL: the api-server serving its relay port, if one was started. */
    private final Map<String, ApiServerProcess> relays = new HashMap<>();
    /** Relays this extension started for relay-mode workers: kept for the whole class. */
    private final List<ApiServerProcess> classRelays = new ArrayList<>();
    /** The run logs of every worker this class started: the invariants are checked on the whole class's tasks. */
    private final List<Path> runLogs = new ArrayList<>();
    private int workerCount;

    @Override
    public void beforeAll(ExtensionContext context) {
        classFolder = context.getRequiredTestClass().getSimpleName();
        // Mutiny's context propagation initialises itself on first use and races when two threads
        // do that at once ("ContextManagerProvider already set"): do it here, on one thread.
        Uni.createFrom().item(1).map(x -> x).await().indefinitely();
        database = TestDatabase.create();
        databaseName = database.name();
        vertx = Vertx.vertx();
        pool = database.pool(vertx, 8);
        dispatcher = new TestDispatcher(pool);
        tasks = new TaskReader(pool);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        String test = display.startsWith(method + "(") || display.equals(method) ? method : method + "-" + display;
        testLogs = Programs.logsRoot().resolve(classFolder).resolve(test.replaceAll("[^A-Za-z0-9_.+-]+", "_"));
        workerCount = 0;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopWorkers();
        stop(takeAll(fleets));
        stopApiServers();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopWorkers();
        stop(takeAll(fleets));
        stopApiServers();
        stop(takeAll(classRelays));
        try {
            if (pool != null) {
                pool.closeAndAwait();
            }
            if (vertx != null) {
                vertx.closeAndAwait();
            }
        } finally {
            if (pgBouncer != null) {
                pgBouncer.close();
                pgBouncer = null;
            }
        }
    }

    /** Starts {@code count} workers at once and waits until every one is ready. */
    public List<WorkerProcess> startWorkers(int count, WorkerSpec spec) {
        return startWorkers(count, spec, dbUrl(spec.mode()), database.url());
    }

    public WorkerProcess startWorker(WorkerSpec spec) {
        return startWorkers(1, spec).getFirst();
    }

    /**
     * Starts {@code count} workers against a database of the test's own (not this class's), e.g. a
     * PostgreSQL the test stops and starts; stopped after the test like the others.
     */
    public List<WorkerProcess> startWorkers(int count, WorkerSpec spec, String dbUrl, String directUrl) {
        if (spec.mode().relay()) {
            ensureRelay(dbUrl, directUrl);
        }
        List<WorkerProcess> started = launchWorkers(count, spec, dbUrl, directUrl);
        started.stream().map(w -> CompletableFuture.supplyAsync(() -> w.awaitReady(READY_TIMEOUT))).toList()
                .forEach(CompletableFuture::join);
        return started;
    }

    /**
     * Like {@link #startWorkers(int, WorkerSpec, String, String)}, without waiting for them to be
     * ready, and in relay mode without starting a relay: the next api-server started on that
     * database is their relay.
     */
    public List<WorkerProcess> launchWorkers(int count, WorkerSpec spec, String dbUrl, String directUrl) {
        if (spec.mode().relay()) {
            spec = spec.with("brigade.relay.url", "http://127.0.0.1:" + relayPort(directUrl))
                    .with("brigade.relay.secret", ApiServerProcess.RELAY_SECRET);
        }
        List<WorkerProcess> started = new ArrayList<>();
        synchronized (workers) {
            for (int i = 0; i < count; i++) {
                String label = "worker-" + (++workerCount);
                WorkerProcess worker = WorkerProcess.start(label, spec, dbUrl, directUrl, testLogs.resolve(label + ".log"));
                workers.add(worker);
                runLogs.add(worker.runLog());
                started.add(worker);
            }
        }
        return started;
    }

    /**
     * Starts a process of {@code identities} worker identities (see {@code FleetHost}) on this
     * class's database, started evenly over {@code startOver}, and waits until every one has
     * started; in relay mode with the class's relay. Stopped after the test like the workers.
     */
    public FleetHostProcess startFleet(int identities, Duration startOver, WorkerSpec spec) {
        String dbUrl = dbUrl(spec.mode());
        if (spec.mode().relay()) {
            ensureRelay(dbUrl, database.url());
            spec = spec.with("brigade.relay.url", "http://127.0.0.1:" + relayPort(database.url()))
                    .with("brigade.relay.secret", ApiServerProcess.RELAY_SECRET);
        }
        FleetHostProcess fleet;
        synchronized (fleets) {
            String label = "fleet-" + (fleets.size() + 1);
            fleet = FleetHostProcess.start(label, identities, startOver, spec, dbUrl, database.url(),
                    testLogs.resolve(label + ".log"));
            fleets.add(fleet);
        }
        return fleet.awaitReady(READY_TIMEOUT.plus(startOver));
    }

    /** Starts the api-server (loopback, a free port) on this class's database and waits until it is ready. */
    public ApiServerProcess startApiServer(ConnectionMode mode, Map<String, String> properties) {
        return startApiServer(dbUrl(mode), database.url(), properties);
    }

    /**
     * Starts the api-server on a database of the test's own and waits until it is ready. Every
     * api-server is a relay; the first one on a database whose relay-mode workers have no live
     * relay takes the relay's port.
     */
    public ApiServerProcess startApiServer(String dbUrl, String directUrl, Map<String, String> properties) {
        ApiServerProcess api;
        synchronized (apiServers) {
            String label = "api-server-" + (apiServers.size() + 1);
            api = startApiServerProcess(label, dbUrl, directUrl, properties);
            apiServers.add(api);
        }
        return api.awaitReady(READY_TIMEOUT);
    }

    private ApiServerProcess startApiServerProcess(String label, String dbUrl, String directUrl,
                                                   Map<String, String> properties) {
        synchronized (relayPorts) {
            ApiServerProcess relay = relays.get(directUrl);
            if (relayPorts.containsKey(directUrl) && (relay == null || !relay.alive())) {
                relay = ApiServerProcess.start(label, relayPorts.get(directUrl), dbUrl, directUrl, properties,
                        testLogs.resolve(label + ".log"));
                relays.put(directUrl, relay);
                return relay;
            }
        }
        return ApiServerProcess.start(label, dbUrl, directUrl, properties, testLogs.resolve(label + ".log"));
    }

    /** The port of the relay for a database's relay-mode workers (chosen once; served by {@link #ensureRelay}). */
    public int relayPort(String directUrl) {
        synchronized (relayPorts) {
            return relayPorts.computeIfAbsent(directUrl, url -> FreePorts.next());
        }
    }

    /** The relay (an api-server) of this class's database, started when none is alive. */
    public ApiServerProcess relay() {
        return ensureRelay(database.url(), database.url());
    }

    /** Starts the relay of a database when none is alive; kept for the class (a test may kill it). */
    public ApiServerProcess ensureRelay(String dbUrl, String directUrl) {
        relayPort(directUrl);
        ApiServerProcess relay;
        synchronized (relayPorts) {
            relay = relays.get(directUrl);
            if (relay == null || !relay.alive()) {
                relay = startApiServerProcess("relay-" + (classRelays.size() + 1), dbUrl, directUrl, Map.of());
                classRelays.add(relay);
            }
        }
        return relay.awaitReady(READY_TIMEOUT);
    }

    public ApiServerProcess startApiServer() {
        return startApiServer(ConnectionMode.DIRECT, Map.of());
    }

    /** BRIGADE_DB_URL for a mode: the database itself, or through PgBouncer. */
    public String dbUrl(ConnectionMode mode) {
        return mode.throughPgBouncer() ? pgBouncer().url(databaseName) : database.url();
    }

    public synchronized PgBouncer pgBouncer() {
        if (pgBouncer == null) {
            pgBouncer = PgBouncer.start(TestDatabase.server(),
                    Programs.workRoot().resolve(classFolder).resolve("pgbouncer"),
                    Programs.logsRoot().resolve(classFolder).resolve("pgbouncer.log"));
            pgBouncer.check(databaseName);
        }
        return pgBouncer;
    }

    /** The worker process a task's {@code worker} column names. */
    public WorkerProcess workerNamed(String workerName) {
        synchronized (workers) {
            return workers.stream().filter(w -> w.named(workerName)).findFirst()
                    .orElseThrow(() -> new AssertionError("no worker started by this test is named " + workerName
                            + "; started: " + workers));
        }
    }

    public TestDispatcher dispatcher() {
        return dispatcher;
    }

    public TaskReader tasks() {
        return tasks;
    }

    /** A pool straight to the test database (the tests' own reads and writes). */
    public Pool pool() {
        return pool;
    }

    public Path testLogs() {
        return testLogs;
    }

    /** Waits until no task of the database is incomplete. */
    public void awaitAllFinal(Duration timeout) {
        Await.until("every task final", timeout, tasks::incomplete, incomplete -> incomplete == 0);
    }

    /** Waits until the task is final; the row as it then is. */
    public TaskRecord awaitFinal(UUID id, Duration timeout) {
        return Await.until("task " + id + " final", timeout, () -> tasks.get(id), task -> task.state().isFinal());
    }

    /** Waits until the task is in {@code state}; the row as it then is. */
    public TaskRecord awaitState(UUID id, TaskState state, Duration timeout) {
        return Await.until("task " + id + " " + state.dbName(), timeout, () -> tasks.get(id),
                task -> task.state() == state);
    }

    /** Checks the invariants on every task of the database (all tests of the class so far). */
    public List<TaskRecord> assertInvariants(Set<UUID> canceledBeforeRun) {
        List<TaskRecord> all = tasks.all();
        InvariantChecker.assertHolds(all, canceledBeforeRun, handlerRuns());
        return all;
    }

    /** Every brigade.record handler run the class's workers wrote to their run logs so far. */
    public List<HandlerRun> handlerRuns() {
        List<Path> logs;
        synchronized (workers) {
            logs = List.copyOf(runLogs);
        }
        return HandlerRun.read(logs);
    }

    /**
     * Waits until a brigade.record task's handler has started (its start line is in a worker's
     * run log): a task is running in the database from its claim on, a moment before its handler.
     */
    public HandlerRun awaitHandlerStarted(UUID id, Duration timeout) {
        return Await.until("the handler of task " + id + " started", timeout, () -> {
            List<Path> logs;
            synchronized (workers) {
                logs = List.copyOf(runLogs);
            }
            return HandlerRun.read(logs).stream().filter(run -> run.taskId().equals(id)).findFirst();
        }, java.util.Optional::isPresent).orElseThrow();
    }

    /** Fails if any task final in {@code snapshot} (an earlier {@code tasks().all()}) has changed since. */
    public void assertFinalTasksUnchangedSince(List<TaskRecord> snapshot) {
        InvariantChecker.assertUnchangedAfterFinal(snapshot, tasks.all());
    }

    public List<TaskRecord> assertInvariants() {
        return assertInvariants(Set.of());
    }

    private void stopApiServers() {
        stop(takeAll(apiServers));
    }

    private static <P extends ProgramProcess> List<P> takeAll(List<P> list) {
        synchronized (list) {
            List<P> taken = new ArrayList<>(list);
            list.clear();
            return taken;
        }
    }

    private static void stop(List<? extends ProgramProcess> toStop) {
        toStop.forEach(ProgramProcess::terminate);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProgramProcess program : toStop) {
            program.awaitExitQuietly(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        toStop.forEach(ProgramProcess::close);
    }

    /**
     * SIGTERM first, so idle workers deregister and the next test of the class starts clean;
     * SIGKILL for any still running after a short grace (a failed test may leave a task running).
     */
    private void stopWorkers() {
        List<WorkerProcess> toStop;
        synchronized (workers) {
            toStop = new ArrayList<>(workers);
            workers.clear();
        }
        toStop.forEach(WorkerProcess::terminate);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (WorkerProcess worker : toStop) {
            worker.awaitExitQuietly(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        toStop.forEach(WorkerProcess::close);
    }
}
