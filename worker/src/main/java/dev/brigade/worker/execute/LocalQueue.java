package dev.brigade.worker.execute;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.task.TaskState;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The handler slots (brigade.worker.concurrency) and the claimed tasks waiting for one, started
 * in claim order by one starter thread, a round of free slots per statement (TaskSql.START_BATCH);
 * a claim made while nothing is queued starts its first tasks itself, on slots reserved for it.
 * Queued tasks are held but still waiting in the database: a worker that dies loses none of them.
 * The loop may claim beyond the free slots (the local queue) only as many tasks as the slots
 * would start within half of brigade.worker.prefetch-wait at the handler times seen so far (at
 * most brigade.worker.prefetch; none before a handler has run). A task that still waits after
 * prefetch-wait — a long task holds the slots — is given back for any worker to take (never
 * started, its FIFO place kept), and the loop queues nothing more for twice that wait. Stopping
 * gives every queued task back.
 */
@ApplicationScoped
public class LocalQueue {
    private static final Logger LOG = Logger.getLogger(LocalQueue.class);
    /** The longest a start waits for more slots to free up (see takeThoseWithASlotSoon). */
    private static final Duration MAX_GATHER = Duration.ofMillis(2);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final HeldTasks held;
    private final int concurrency;
    private final int prefetch;
    private final Duration wait;
    private final Semaphore slots;
    private final LinkedBlockingQueue<TaskExecution> waiting = new LinkedBlockingQueue<>();
    /** A moving average of handler run times (nanoseconds), -1 until a handler has run. */
    private final AtomicLong handlerNanos = new AtomicLong(-1);
    /** A moving average of START_BATCH round trips (nanoseconds), 0 until one was made. */
    private final AtomicLong startNanos = new AtomicLong();
    /** No local queue before this time (System.nanoTime). */
    private volatile long noQueueUntil = System.nanoTime();
    private volatile boolean stopping;
    private Thread starter;
    private volatile Consumer<TaskExecution> onSlot;

    public LocalQueue(Pool pool, WorkerIdentity identity, HeldTasks held, WorkerConfig config) {
        this.pool = pool;
        this.identity = identity;
        this.held = held;
        this.concurrency = config.concurrency();
        this.prefetch = config.prefetch();
        this.wait = config.prefetchWait();
        this.slots = new Semaphore(concurrency);
    }

    /** Starts the starter: each queued task, in order, is given to {@code onSlot} once it has a slot. */
    synchronized void start(Consumer<TaskExecution> onSlot) {
        this.onSlot = onSlot;
        if (starter == null) {
            starter = Thread.ofPlatform().name("brigade-task-starter").daemon().start(() -> startInOrder(onSlot));
        }
    }

    void enqueue(TaskExecution execution) {
        waiting.add(execution);
    }

    /**
     * For a claim about to be made: takes up to {@code limit} free handler slots, for the claim
     * to start that many of its tasks in its own statement (TaskSql.CLAIM_BATCH), but only when
     * nothing is queued (a queued task was claimed earlier and starts first). The claiming thread
     * gives back what its claim did not use ({@link #releaseReserved}).
     */
    public int reserveForClaim(int limit) {
        if (stopping || !waiting.isEmpty()) {
            return 0;
        }
        int reserved = 0;
        while (reserved < limit && slots.tryAcquire()) {
            reserved++;
        }
        return reserved;
    }

    public void releaseReserved(int unused) {
        if (unused > 0) {
            slots.release(unused);
        }
    }

    /** A task the claim started on a slot reserved for it: its handler runs now. */
    void runStarted(TaskExecution execution) {
        onSlot.accept(execution);
    }

    /** A handler returned: its slot is free, and its run time counts for the queue's size. */
    void handlerDone(long ranNanos) {
        handlerNanos.accumulateAndGet(ranNanos, (avg, sample) -> avg < 0 ? sample : avg - avg / 8 + sample / 8);
        slots.release();
    }

    /** A task that took a slot but never ran its handler frees the slot without counting. */
    void slotUnused() {
        slots.release();
    }

    /** How many tasks the loop may claim right now beyond the handler slots. */
    public int room() {
        long perTask = handlerNanos.get();
        if (prefetch == 0 || stopping || perTask < 0 || System.nanoTime() - noQueueUntil < 0) {
            return 0;
        }
        // what the slots start in half the wait, so that an average-paced queue is never given back
        return (int) Math.min(prefetch, concurrency * wait.toNanos() / (2 * Math.max(perTask, 1_000)));
    }

    /** The worker takes no new task: every task still queued is given back, not run. */
    public void giveBackAll() {
        stopping = true;
        List<TaskExecution> queued = new ArrayList<>();
        waiting.drainTo(queued);
        queued.forEach(execution -> giveBack(execution, "this worker is stopping"));
    }

    /**
     * Waits for the next task's slot, takes every other queued task that has a free slot now, and
     * starts them together: one statement moves them to running (TaskSql.START_BATCH), then their
     * handlers run. While that statement is on its way more slots free up, so the batches grow
     * with the load by themselves.
     */
    private void startInOrder(Consumer<TaskExecution> onSlot) {
        while (true) {
            TaskExecution next;
            try {
                next = waiting.take();
            } catch (InterruptedException e) {
                return;
            }
            List<TaskExecution> batch = new ArrayList<>();
            try {
                long left = next.queuedAt() + wait.toNanos() - System.nanoTime();
                boolean slot = slots.tryAcquire(Math.max(left, 0), TimeUnit.NANOSECONDS);
                if (!slot || stopping) {
                    if (slot) {
                        slots.release();
                    }
                    giveBack(next, stopping ? "this worker is stopping" : "it waited " + wait + " for a slot");
                    continue;
                }
                batch.add(next);
                takeThoseWithASlotSoon(batch);
                startTogether(batch, onSlot);
            } catch (InterruptedException e) {
                batch.forEach(execution -> giveBack(execution, "this worker is stopping"));
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not start tasks %s; they stay held until this worker is gone",
                        batch.stream().map(TaskExecution::taskId).toList());
            }
        }
    }

    /**
     * Adds to the batch the queued tasks that get a slot within one start's round trip (the
     * moving average of the last ones, at most {@link #MAX_GATHER}). Without this wait the
     * batches of short tasks never grow: a batch's handlers end before the next start returns
     * and free the slots one by one, so each start would take the one or two slots freed since
     * the last. It waits for slots only, never for tasks to be queued; a long task pays at most
     * one round trip more before its handler starts.
     */
    private void takeThoseWithASlotSoon(List<TaskExecution> batch) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(startNanos.get(), MAX_GATHER.toNanos());
        while (batch.size() < concurrency && !waiting.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (!slots.tryAcquire(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                return;
            }
            TaskExecution more = waiting.poll();
            if (more == null) {
                slots.release();
                return;
            }
            batch.add(more);
        }
    }

    /**
     * Started ones get their slot; one canceled while queued runs no handler (it is finished
     * canceled by the same path as a cancel that came after the start); one no longer held by
     * this worker (its row was reaped) is dropped.
     */
    private void startTogether(List<TaskExecution> batch, Consumer<TaskExecution> onSlot) {
        List<UUID> ids = batch.stream().map(TaskExecution::taskId).toList();
        Map<UUID, TaskBatchStore.StartAnswer> answers = new HashMap<>();
        long sent = System.nanoTime();
        Db.awaitUntilDone("starting tasks " + ids, () -> TaskBatchStore.start(pool, ids, identity.id(), identity.name()))
                .forEach(answer -> answers.put(answer.id(), answer));
        long took = System.nanoTime() - sent;
        startNanos.accumulateAndGet(took, (avg, sample) -> avg == 0 ? sample : avg - avg / 8 + sample / 8);
        for (TaskExecution execution : batch) {
            TaskBatchStore.StartAnswer answer = answers.get(execution.taskId());
            if (answer != null && answer.started()) {
                onSlot.accept(execution);
            } else if (answer != null && answer.mine() && answer.state() == TaskState.CANCELING) {
                execution.requestCancel();
                onSlot.accept(execution);
            } else {
                LOG.warnf("task %s is no longer this worker's (%s); not started", execution.taskId(),
                        answer == null ? "deleted" : answer.state().dbName());
                slots.release();
                held.remove(execution.taskId());
            }
        }
    }

    /** TaskSql.GIVE_BACK: waiting again in its FIFO place, for any worker; no local queue for a while. */
    private void giveBack(TaskExecution execution, String why) {
        noQueueUntil = System.nanoTime() + 2 * wait.toNanos();
        execution.completing();
        boolean mine = Db.awaitUntilDone("giving back task " + execution.taskId(),
                () -> TaskBatchStore.giveBack(pool, execution.taskId(), execution.task().name(), identity.id()));
        LOG.debugf("gave back task %s (%s)%s", execution.taskId(), why, mine ? "" : "; it was no longer this worker's");
        held.remove(execution.taskId());
    }
}
