package dev.brigade.worker;

import dev.brigade.core.db.TaskSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.Task;
import dev.brigade.worker.claim.TaskClaimer;
import dev.brigade.worker.execute.TaskSupervisor;
import dev.brigade.worker.unblock.UnblockPass;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker loop: unblock when resources were released, claim while a slot is free (each task
 * on a thread of its own), then sleep until a signal or the poll timeout. A lost signal costs at
 * most one poll interval. Auxiliary workers never unblock.
 */
@ApplicationScoped
public class WorkerLoop {
    private static final Logger LOG = Logger.getLogger(WorkerLoop.class);
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskClaimer claimer;
    private final TaskSupervisor supervisor;
    private final UnblockPass unblockPass;
    private final boolean auxiliary;
    private final boolean burst;
    private final boolean pollMode;
    private final Duration idleTimeout;
    private final Semaphore slots;
    private final Doorbell doorbell = new Doorbell();
    private final AtomicBoolean unblockWanted = new AtomicBoolean(true);
    private volatile boolean intakeOpen = true;
    private long lastCancelPoll = System.nanoTime();
    /** Tasks this process has claimed and not yet let go, by the loop's own account. */
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private volatile Runnable onDrained = () -> { };
    private Thread thread;

    public WorkerLoop(Pool pool, WorkerIdentity identity, TaskClaimer claimer, TaskSupervisor supervisor,
                      UnblockPass unblockPass, WorkerConfig config, SignalsConfig signals) {
        this.pool = pool;
        this.identity = identity;
        this.claimer = claimer;
        this.supervisor = supervisor;
        this.unblockPass = unblockPass;
        this.auxiliary = config.auxiliary();
        this.burst = config.burst();
        this.pollMode = signals.mode() == SignalsConfig.Mode.POLL;
        this.idleTimeout = pollMode ? config.pollInterval() : config.safetyPoll();
        this.slots = new Semaphore(config.concurrency());
    }

    /** Starts the loop; in burst mode {@code onDrained} runs once the queue is empty. */
    public void start(Runnable onDrained) {
        this.onDrained = onDrained;
        thread = Thread.ofPlatform().name("brigade-worker-loop").start(this::loop);
    }

    public void wake(Signal signal) {
        if (signal == Signal.UNBLOCK) {
            unblockWanted.set(true);
        }
        doorbell.ring();
    }

    /** No new task from now on; running ones go on. */
    public void stopIntake() {
        intakeOpen = false;
        doorbell.ring();
    }

    public boolean alive() {
        return thread != null && (thread.isAlive() || !intakeOpen);
    }

    private void loop() {
        while (intakeOpen) {
            try {
                if (!auxiliary && unblockWanted.getAndSet(false)) {
                    unblockPass.run();
                }
                boolean claimed = fillSlots();
                if (burst && !claimed && drained()) {
                    intakeOpen = false;
                    onDrained.run();
                    return;
                }
                boolean rung = doorbell.await(idleTimeout);
                if (!rung) {
                    unblockWanted.set(true); // the safety poll also looks for lost releases
                }
                // a busy worker is rung all the time: poll for lost cancels by the clock instead
                if (pollMode || System.nanoTime() - lastCancelPoll >= idleTimeout.toNanos()) {
                    lastCancelPoll = System.nanoTime();
                    pollCancels();
                    releaseLostClaims();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("worker loop: %s; retrying in %s", e.getMessage(), BACKOFF);
                sleepQuietly(BACKOFF);
            }
        }
    }

    /** Claims while a slot is free; true when it claimed anything. */
    private boolean fillSlots() {
        boolean claimedAny = false;
        while (intakeOpen && slots.tryAcquire()) {
            Optional<Task> claimed;
            try {
                claimed = claimer.claimNext();
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            if (claimed.isEmpty()) {
                slots.release();
                break;
            }
            claimedAny = true;
            Task task = claimed.get();
            held.add(task.id());
            Thread.ofPlatform().name("brigade-task-" + task.id()).start(() -> {
                try {
                    supervisor.supervise(task);
                } finally {
                    held.remove(task.id());
                    slots.release();
                    doorbell.ring();
                }
            });
        }
        return claimedAny;
    }

    /** The cancel signal's backup: ask the database which of my tasks someone wants canceled. */
    private void pollCancels() {
        if (supervisor.runningCount() == 0) {
            return;
        }
        for (UUID id : Db.await(TaskStore.cancelingHeldBy(pool, identity.id()))) {
            supervisor.cancel(id);
        }
    }

    /**
     * A claim whose reply was lost (the connection dropped after the commit) leaves a task held
     * by this live process that nothing here runs: let it go so that another claim takes it.
     * Runs on the loop thread, the only one that claims, so no claim can be in flight meanwhile.
     */
    private void releaseLostClaims() {
        for (UUID id : Db.await(TaskStore.heldBy(pool, identity.id()))) {
            if (!held.contains(id) && Db.await(TaskStore.releaseHeld(pool, id, identity.id()))) {
                LOG.warnf("released task %s: this worker held it but never got the reply of its claim", id);
                doorbell.ring();
            }
        }
    }

    private boolean drained() {
        return supervisor.runningCount() == 0
                && !Db.await(pool.query(TaskSql.ANY_WAITING).execute()).iterator().next().getBoolean("waiting");
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
