package dev.brigade.worker;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.db.TaskSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.db.WorkerDues;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.signal.Signal;
import dev.brigade.worker.claim.TaskClaimer;
import dev.brigade.worker.execute.HeldTasks;
import dev.brigade.worker.execute.LocalQueue;
import dev.brigade.worker.execute.TaskCompleter;
import dev.brigade.worker.execute.TaskSupervisor;
import dev.brigade.worker.signal.RelaySignalClient;
import dev.brigade.worker.unblock.UnblockPass;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker loop, the producer of the pipeline: unblock when releases were recorded, claim in
 * one statement as many tasks as there is room for (the free handler slots plus the local
 * queue allows, see LocalQueue), hand them to the supervisor, then sleep until a signal, a
 * written outcome or the poll timeout. The completer writes the outcomes beside it. A lost
 * signal costs at most one poll interval. Auxiliary workers never unblock.
 */
@ApplicationScoped
public class WorkerLoop {
    private static final Logger LOG = Logger.getLogger(WorkerLoop.class);
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    /**
     * While signals arrive, a task claimable for less than this is the signal path's: the worker
     * that signal woke takes it within milliseconds, and a heartbeat that saw it in the meantime
     * and claimed too would claim in vain (a fleet of 1,000 beats 100 times a second: 0.8 vain
     * claims per dispatched task). A task whose signal was lost is older than this by the next
     * beat. A polling worker has no signal path: it claims whatever it finds.
     */
    static final Duration SIGNALED_TASK_GRACE = Duration.ofSeconds(2);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskHandlers handlers;
    private final TaskClaimer claimer;
    private final TaskSupervisor supervisor;
    private final TaskCompleter completer;
    private final HeldTasks held;
    private final LocalQueue localQueue;
    private final UnblockPass unblockPass;
    private final boolean auxiliary;
    private final boolean burst;
    private final SignalsConfig.Mode signalsMode;
    private final RelaySignalClient relay;
    private final Duration safetyPoll;
    private final Duration pollInterval;
    /** Handler slots: what the loop claims for, plus the supervisor's local queue room. */
    private final int concurrency;
    /** Outcomes waiting for the completer beyond which the loop claims nothing more. */
    private final int maxBacklog;
    private final Doorbell doorbell = new Doorbell();
    private final AtomicBoolean unblockWanted = new AtomicBoolean(true);
    /** Whether claimable work may exist: a signal came, or the last claim filled its room and saw more waiting. */
    private final AtomicBoolean workHint = new AtomicBoolean(true);
    /** Signals mode relay: the relay woke this worker to claim (handed back when there is no room). */
    private final AtomicBoolean relayWoke = new AtomicBoolean();
    private volatile boolean intakeOpen = true;
    /** Held by the loop while a claim is in flight, so that stopping waits for its tasks to be held. */
    private final Object claiming = new Object();
    /** A task this worker holds is canceling (the heartbeat says so: the cancel signal may be lost). */
    private final AtomicBoolean cancelsWanted = new AtomicBoolean();
    /** The database says this worker holds more than it knows of: a claim reply was lost. */
    private final AtomicBoolean lostClaimsWanted = new AtomicBoolean();
    private final Duration maxPollInterval;
    /** The next poll's interval: pollInterval after work, doubling while polls find nothing. */
    private Duration nextPoll;
    private boolean wasPolling;
    private volatile Runnable onDrained = () -> { };
    private Thread thread;

    public WorkerLoop(Pool pool, WorkerIdentity identity, TaskHandlers handlers, TaskClaimer claimer, TaskSupervisor supervisor,
                      TaskCompleter completer, HeldTasks held, LocalQueue localQueue, UnblockPass unblockPass,
                      WorkerConfig config, SignalsConfig signals, RelaySignalClient relay) {
        this.pool = pool;
        this.identity = identity;
        this.handlers = handlers;
        this.claimer = claimer;
        this.supervisor = supervisor;
        this.completer = completer;
        this.held = held;
        this.localQueue = localQueue;
        this.unblockPass = unblockPass;
        this.auxiliary = config.auxiliary();
        this.burst = config.burst();
        this.signalsMode = signals.mode();
        this.relay = relay;
        this.safetyPoll = config.safetyPoll();
        this.pollInterval = config.pollInterval();
        this.maxPollInterval = config.pollMaxInterval().compareTo(pollInterval) > 0 ? config.pollMaxInterval() : pollInterval;
        this.nextPoll = pollInterval;
        this.concurrency = config.concurrency();
        this.maxBacklog = 4 * (config.concurrency() + config.prefetch()) + 100;
        completer.afterWrite(releasesRecorded -> {
            if (releasesRecorded && !auxiliary) {
                unblockWanted.set(true);
            }
            doorbell.ring();
        });
        completer.onSubmit(doorbell::ring); // a handler slot is free: claim beside the outcome's write
    }

    /** Starts the loop; in burst mode {@code onDrained} runs once the queue is empty. */
    public void start(Runnable onDrained) {
        this.onDrained = onDrained;
        completer.start();
        supervisor.begin();
        thread = Thread.ofPlatform().name("brigade-worker-loop").start(this::loop);
    }

    public void wake(Signal signal) {
        if (signal == Signal.UNBLOCK) {
            unblockWanted.set(true);
        } else if (signalsMode == SignalsConfig.Mode.RELAY) {
            relayWoke.set(true);
        }
        workHint.set(true);
        doorbell.ring();
    }

    /**
     * No new task from now on; running ones go on, queued ones are given back. Waits for a claim
     * in flight: its tasks are running in the database before their reply arrives, and they must
     * be held (then given back) before the caller counts what this worker holds.
     */
    public void stopIntake() {
        intakeOpen = false;
        synchronized (claiming) {
            localQueue.giveBackAll();
        }
        doorbell.ring();
    }

    public boolean alive() {
        return thread != null && (thread.isAlive() || !intakeOpen);
    }

    private void loop() {
        while (intakeOpen) {
            try {
                if (!auxiliary && unblockWanted.getAndSet(false) && unblockPass.run() > 0) {
                    workHint.set(true);
                }
                boolean claimed = fillSlots();
                if (burst && !claimed && drained()) {
                    intakeOpen = false;
                    onDrained.run();
                    return;
                }
                if (signalsMode == SignalsConfig.Mode.RELAY) {
                    relay.reportRoom(workHint.get() ? 0 : Math.max(0, room()));
                }
                boolean rung = doorbell.await(idleTimeout());
                if (!rung && polling()) {
                    poll();
                }
                // lost signals, cancels and claim replies: the heartbeat's dues (or the poll's) say so
                if (cancelsWanted.getAndSet(false)) {
                    pollCancels();
                }
                if (lostClaimsWanted.getAndSet(false)) {
                    returnLostClaims();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("worker loop: %s; retrying in %s", e.getMessage(), BACKOFF);
                workHint.set(true);
                sleepQuietly(BACKOFF);
            }
        }
    }

    /**
     * Claims as many tasks as there is room for, in one statement, when work may be waiting;
     * true when it claimed anything. A short claim, or a full one that saw nothing more waiting,
     * means nothing more was claimable: the loop then waits for a signal instead of asking again
     * after every finished task.
     */
    private boolean fillSlots() {
        int room = room();
        if (!intakeOpen || room <= 0 || completer.backlog() > maxBacklog) {
            if (relayWoke.getAndSet(false)) {
                relay.pass(); // someone with room should take this wakeup
            }
            return false;
        }
        relayWoke.set(false);
        if (!workHint.getAndSet(false)) {
            return false;
        }
        synchronized (claiming) {
            if (!intakeOpen) {
                return false;
            }
            // slots free now, with nothing queued, let the claim start its first tasks itself
            int reserved = localQueue.reserveForClaim(room);
            List<TaskBatchStore.Claimed> claimed;
            try {
                claimed = claimer.claim(room, reserved);
            } catch (RuntimeException e) {
                localQueue.releaseReserved(reserved);
                throw e;
            }
            localQueue.releaseReserved(reserved - (int) claimed.stream().filter(TaskBatchStore.Claimed::started).count());
            // a full claim that saw more waiting claims again as soon as there is room (and in
            // relay mode has others woken); one that saw nothing more waits for the next signal
            if (claimed.size() == room && claimed.getLast().moreClaimable()) {
                workHint.set(true);
                if (signalsMode == SignalsConfig.Mode.RELAY) {
                    relay.reportMore();
                }
            }
            claimed.forEach(supervisor::start);
            if (!claimed.isEmpty()) {
                nextPoll = pollInterval;
            }
            return !claimed.isEmpty();
        }
    }

    /** The tasks this worker could take now: free slots plus local queue room, less what it holds. */
    private int room() {
        return concurrency + localQueue.room() - held.unfinished();
    }

    /**
     * What the heartbeat (or a poll) found due: work to claim (see {@link #SIGNALED_TASK_GRACE}),
     * releases to unblock, a cancel or a lost claim reply to look into. Rings the loop when there
     * is any; whether there was.
     */
    public boolean consider(WorkerDues dues) {
        boolean any = false;
        if (dues.claimableFor().filter(age -> polling() || age.compareTo(SIGNALED_TASK_GRACE) >= 0).isPresent()) {
            workHint.set(true);
            any = true;
        }
        if (dues.releases() && !auxiliary) {
            unblockWanted.set(true);
            any = true;
        }
        if (dues.canceling()) {
            cancelsWanted.set(true);
            any = true;
        }
        if (dues.held() > held.size()) {
            lostClaimsWanted.set(true);
            any = true;
        }
        if (any) {
            doorbell.ring();
        }
        return any;
    }

    /**
     * Mode poll (and relay while the relay is away): one statement asks what is due; the interval
     * doubles while polls find nothing, up to brigade.worker.poll-max-interval, and drops back to
     * the poll interval as soon as there is work.
     */
    private void poll() {
        boolean any = consider(Db.await(WorkerDues.read(pool, identity.id(), List.of(), handlers.names()))); // duties: the heartbeat's
        Duration doubled = nextPoll.multipliedBy(2);
        nextPoll = any ? pollInterval : (doubled.compareTo(maxPollInterval) > 0 ? maxPollInterval : doubled);
    }

    /** No signals reach this worker now: mode poll, or mode relay while the relay is away. */
    private boolean polling() {
        return signalsMode == SignalsConfig.Mode.POLL
                || (signalsMode == SignalsConfig.Mode.RELAY && !relay.connected());
    }

    /**
     * How long to sleep when nothing rings: while signals arrive, the safety poll (a wake-up that
     * sends nothing); else the current poll interval with ±10% jitter, so that a fleet started
     * (or cut off from its relay) together does not poll in lockstep.
     */
    private Duration idleTimeout() {
        boolean polling = polling();
        if (polling && !wasPolling) {
            nextPoll = pollInterval; // the relay just went away: poll briskly at first
        }
        wasPolling = polling;
        if (!polling) {
            return safetyPoll; // nothing is sent on this timeout: the heartbeat's dues stand in for a poll
        }
        return Duration.ofNanos((long) (nextPoll.toNanos() * ThreadLocalRandom.current().nextDouble(0.9, 1.1)));
    }

    /** The cancel signal's backup: ask the database which of my tasks someone wants canceled. */
    private void pollCancels() {
        if (held.isEmpty()) {
            return;
        }
        for (UUID id : Db.await(TaskStore.cancelingHeldBy(pool, identity.id()))) {
            supervisor.cancel(id);
        }
    }

    /**
     * A claim whose reply was lost (the connection dropped after the commit) leaves tasks held by
     * this live process that nothing here runs: undo their start and let them go, so that another
     * claim takes them (TaskSql.RETURN_LOST_CLAIMS). Runs on the loop thread, the only one that
     * claims, so no claim can be in flight meanwhile.
     */
    private void returnLostClaims() {
        List<UUID> returned = Db.await(TaskBatchStore.returnLostClaims(pool, identity.id(), held.ids(), identity.name()));
        if (!returned.isEmpty()) {
            LOG.warnf("let go of task(s) %s: this worker held them but never got the reply of its claim", returned);
            workHint.set(true);
            doorbell.ring();
        }
    }

    private boolean drained() {
        return held.isEmpty()
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
