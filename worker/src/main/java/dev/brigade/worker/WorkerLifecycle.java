package dev.brigade.worker;

import dev.brigade.core.db.WorkerDues;
import dev.brigade.worker.execute.HeldTasks;
import dev.brigade.worker.heartbeat.HeartbeatWriter;
import dev.brigade.worker.janitor.JanitorDuties;
import dev.brigade.worker.signal.PgSignalListener;
import dev.brigade.worker.signal.RelaySignalClient;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start and stop of a worker process. Start: wait until the schema version it needs is applied
 * (by the api-server), then register, listen, heartbeat, janitor, loop.
 * First stop request: no new task, running ones finish (for at most brigade.worker.shutdown-grace,
 * then they are aborted), the app_status row is deleted. Second stop request: abort at once.
 * A heartbeat that cannot be written for two thirds of the ttl halts the process before anyone
 * could judge it missing and hand its tasks to another worker.
 */
@ApplicationScoped
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);
    static final String SHUTDOWN_ABORT = "aborted during worker shutdown";
    public static final int EXIT_HEARTBEAT_LOST = 4;

    private final WorkerConfig config;
    private final SignalsConfig signals;
    private final WorkerIdentity identity;
    private final HeartbeatWriter heartbeat;
    private final JanitorDuties janitor;
    private final PgSignalListener listener;
    private final RelaySignalClient relay;
    private final WorkerLoop loop;
    private final HeldTasks held;
    private final ProcessExit processExit;
    private final RequiredSchema schema;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("brigade-timer-", 0).daemon().factory());
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** A janitor run is under way (a new one is not started beside it). */
    private final AtomicBoolean janitorRunning = new AtomicBoolean();
    private final CountDownLatch exited = new CountDownLatch(1);
    private volatile boolean started;
    /** True while the worker waits for the api-server to apply the schema version it needs. */
    private volatile boolean waitingForSchema;
    /** False once this process stops heart-beating on purpose (its row is being deleted). */
    private volatile boolean beating = true;

    public WorkerLifecycle(WorkerConfig config, SignalsConfig signals, WorkerIdentity identity,
                           HeartbeatWriter heartbeat, JanitorDuties janitor, PgSignalListener listener,
                           RelaySignalClient relay, WorkerLoop loop, HeldTasks held, ProcessExit processExit, RequiredSchema schema) {
        this.config = config;
        this.signals = signals;
        this.identity = identity;
        this.heartbeat = heartbeat;
        this.janitor = janitor;
        this.listener = listener;
        this.relay = relay;
        this.loop = loop;
        this.held = held;
        this.processExit = processExit;
        this.schema = schema;
    }

    void onStart(@Observes StartupEvent event) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            WorkerMain.takeStopSignals(this); // not in tests: the test JVM keeps its own handling
        }
        start();
    }

    /**
     * Waits for the schema (on a thread of its own when it is not there yet), then starts the
     * work; returns at once. Quarkus calls it at start-up; the fleet benchmark calls it for each
     * of the many workers it runs in one process.
     */
    public void start() {
        if (signals.mode() == SignalsConfig.Mode.RELAY) {
            relay.checkSettings(); // a missing relay URL or secret fails the start, with the setting's name
        }
        if (schemaPresent()) {
            startWork();
            return;
        }
        // not ready until the api-server has migrated: probes answer meanwhile, a stop request ends the wait
        waitingForSchema = true;
        Thread.ofPlatform().name("brigade-schema-wait").daemon().start(() -> {
            boolean present = schema.awaitPresent(stopRequested::get);
            try {
                if (present) {
                    startWork();
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "worker could not start");
                Quarkus.asyncExit(1);
            } finally {
                waitingForSchema = false;
            }
        });
    }

    private boolean schemaPresent() {
        try {
            return schema.check();
        } catch (RuntimeException e) {
            return false; // awaitPresent says why, and asks again
        }
    }

    /** Register, listen, heartbeat, janitor, loop; not once a stop was requested while waiting for the schema. */
    private synchronized void startWork() {
        if (stopRequested.get()) {
            return;
        }
        heartbeat.register();
        if (!config.auxiliary()) {
            janitor.applyRetention();
        }
        switch (signals.mode()) {
            case LISTEN -> listener.start();
            case RELAY -> relay.start();
            case POLL -> { }
        }
        // the first beat at once: it also says which janitor duties are due (a restart reaps its predecessor)
        timers.schedule(this::beatThenScheduleNext, 0, TimeUnit.MILLISECONDS);
        Thread.ofPlatform().name("brigade-heartbeat-watchdog").daemon().start(this::watchdog);
        loop.start(() -> timers.execute(this::requestStop));
        started = true;
        LOG.infof("worker %s (%s) started: concurrency %d, signals %s%s%s", identity.name(), identity.id(),
                config.concurrency(), signals.mode().name().toLowerCase(),
                config.auxiliary() ? ", auxiliary" : "", config.burst() ? ", burst" : "");
    }

    void onStop(@Observes ShutdownEvent event) {
        stopRequested.set(true); // also ends a wait for the schema
        if (started && exited.getCount() > 0) {
            drainThenExit(config.shutdownGrace().or(() -> Optional.of(Duration.ofSeconds(10))));
        }
    }

    /** SIGTERM/SIGINT: the first drains, the second aborts. */
    public void requestStop() {
        if (stopRequested.compareAndSet(false, true)) {
            LOG.infof("stopping: no new task; waiting for %d held task(s)%s", held.size(),
                    config.shutdownGrace().map(g -> " for at most " + g).orElse(""));
            Thread.ofPlatform().name("brigade-shutdown").start(() -> drainThenExit(config.shutdownGrace()));
        } else {
            LOG.info("second stop request: aborting running tasks");
            abortOrExit();
        }
    }

    /** Blocks until the worker has stopped; the process exit code. */
    public int awaitExit() throws InterruptedException {
        exited.await();
        return 0;
    }

    public boolean started() {
        return started;
    }

    /** Alive and healthy, only waiting for the api-server to migrate (so not ready, but nothing to restart). */
    public boolean waitingForSchema() {
        return waitingForSchema;
    }

    private void drainThenExit(Optional<Duration> grace) {
        loop.stopIntake();
        long deadline = grace.map(g -> System.nanoTime() + g.toNanos()).orElse(Long.MAX_VALUE);
        while (!held.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        abortOrExit();
    }

    private synchronized void abortOrExit() {
        loop.stopIntake();
        if (!held.isEmpty()) {
            processExit.recordAndHalt(SHUTDOWN_ABORT);
        }
        if (exited.getCount() == 0) {
            return;
        }
        beating = false;
        listener.stop();
        relay.stop();
        try {
            heartbeat.deregister();
            LOG.infof("worker %s stopped; its app_status row is deleted", identity.name());
        } catch (RuntimeException e) {
            LOG.warnf("could not delete the app_status row (%s); the janitor removes it after the ttl", e.getMessage());
        }
        timers.shutdownNow();
        exited.countDown();
    }

    /**
     * Beats, then schedules the next beat: one interval later after a success, one retry delay
     * later after a failure. Waiting a whole interval after a failure would let two short outages
     * in a row (a PgBouncer restarted twice, 10 s apart) silence the heartbeat for two intervals,
     * past the watchdog's limit, and halt every worker of the fleet at once.
     */
    private void beatThenScheduleNext() {
        if (!beating) {
            return; // stopping: the row is being deleted, and a beat now would read as being reaped
        }
        boolean landed = beat();
        try {
            Duration next = landed ? heartbeat.interval() : heartbeat.retryDelay();
            timers.schedule(this::beatThenScheduleNext, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the process is stopping: no more beats
        }
    }

    /** Whether the heartbeat landed; what it found due goes to the loop and the janitor. */
    private boolean beat() {
        try {
            WorkerDues dues = heartbeat.beat();
            if (!dues.alive()) {
                processExit.recordAndHalt("worker " + identity.name() + " was judged missing; its tasks were given away");
            }
            loop.consider(dues);
            if (!config.auxiliary() && dues.janitorWork() && janitorRunning.compareAndSet(false, true)) {
                runOffTheBeat(() -> janitorDuties(dues));
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("heartbeat failed (%s); last success %s ago; retrying in %s", e.getMessage(),
                    heartbeat.sinceLastSuccess(), heartbeat.retryDelay());
            return false;
        }
    }

    /**
     * Independent of the heartbeat write (which may hang on a dead link): once no heartbeat has
     * landed for two thirds of the ttl, halt before another worker may judge this one missing and
     * hand its tasks' resources on while its handlers still run.
     */
    private void watchdog() {
        Duration limit = heartbeat.ttl().multipliedBy(2).dividedBy(3);
        while (beating) {
            Duration silent = heartbeat.sinceLastSuccess();
            if (silent.compareTo(limit) >= 0) {
                LOG.errorf("no heartbeat for %s: halting before another worker takes this worker's tasks", silent);
                processExit.haltNow(EXIT_HEARTBEAT_LOST);
            }
            try {
                Thread.sleep(Duration.ofMillis(Math.max(100, limit.minus(silent).toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * On the other timer thread, so that a long duty never makes the next beat late; one run at
     * a time ({@link #janitorRunning}), so the beat always has a thread.
     */
    private void runOffTheBeat(Runnable work) {
        try {
            timers.execute(() -> {
                try {
                    work.run();
                } finally {
                    janitorRunning.set(false);
                }
            });
        } catch (RejectedExecutionException stopping) {
            janitorRunning.set(false); // the process is stopping: no more duties
        }
    }

    private void janitorDuties(WorkerDues due) {
        try {
            janitor.runDue(due);
        } catch (RuntimeException e) {
            LOG.warnf("janitor duties failed: %s", e.getMessage());
        }
    }
}
