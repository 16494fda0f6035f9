package dev.brigade.worker.execute;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The handler slots (brigade.worker.concurrency) and the claimed tasks waiting for one, started
 * strictly in claim order by one starter thread. The loop may claim beyond the free slots (the
 * local queue) only as many tasks as the slots would start within half of brigade.worker.prefetch-wait
 * at the handler times seen so far (at most brigade.worker.prefetch; none before a handler has
 * run). A task that still waits after prefetch-wait — a long task holds the slots — is given
 * back for any worker to take (its start undone, its FIFO place kept), and the loop queues
 * nothing more for twice that wait. Stopping gives every queued task back.
 */
@ApplicationScoped
public class LocalQueue {
    private static final Logger LOG = Logger.getLogger(LocalQueue.class);

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
    /** No local queue before this time (System.nanoTime). */
    private volatile long noQueueUntil = System.nanoTime();
    private volatile boolean stopping;
    private Thread starter;

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
        if (starter == null) {
            starter = Thread.ofPlatform().name("brigade-task-starter").daemon().start(() -> startInOrder(onSlot));
        }
    }

    void enqueue(TaskExecution execution) {
        waiting.add(execution);
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

    private void startInOrder(Consumer<TaskExecution> onSlot) {
        while (true) {
            TaskExecution next;
            try {
                next = waiting.take();
            } catch (InterruptedException e) {
                return;
            }
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
                onSlot.accept(next);
            } catch (InterruptedException e) {
                giveBack(next, "this worker is stopping");
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not start task %s; it stays held until this worker is gone", next.taskId());
            }
        }
    }

    /** TaskSql.GIVE_BACK: waiting again in its FIFO place, for any worker; no local queue for a while. */
    private void giveBack(TaskExecution execution, String why) {
        noQueueUntil = System.nanoTime() + 2 * wait.toNanos();
        execution.completing();
        boolean mine = Db.awaitUntilDone("giving back task " + execution.taskId(),
                () -> TaskBatchStore.giveBack(pool, execution.taskId(), identity.id()));
        LOG.debugf("gave back task %s (%s)%s", execution.taskId(), why, mine ? "" : "; it was no longer this worker's");
        held.remove(execution.taskId());
    }
}
