package dev.brigade.worker.execute;

import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerContext;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * One task held by this worker: the handler's context, the state the claim found it in, where
 * it is (queued for a slot, in its handler, completing) and the thread that runs it.
 */
public final class TaskExecution extends HandlerContext {
    /** Where a held task is. */
    public enum Phase { QUEUED, HANDLER, COMPLETING }

    private final TaskState claimedState;
    private final long queuedAt = System.nanoTime();
    private volatile Phase phase = Phase.QUEUED;
    private volatile boolean timedOut;
    private volatile Thread thread;

    TaskExecution(Task task, TaskState claimedState, String processName, Pool pool, Dispatcher dispatcher) {
        super(task, processName, pool, dispatcher);
        this.claimedState = claimedState;
    }

    TaskState claimedState() {
        return claimedState;
    }

    /** When it was claimed (System.nanoTime): how long it has waited for a slot. */
    long queuedAt() {
        return queuedAt;
    }

    Phase phase() {
        return phase;
    }

    void bindTo(Thread thread) {
        this.thread = thread;
    }

    /**
     * Cooperative first: the flag, then an interrupt for a handler blocked in I/O or sleep — only
     * while the handler runs, never in the worker's own writes. A task still queued for a slot
     * sees the flag when it gets one, and ends canceled without running.
     */
    @Override
    public synchronized boolean requestCancel() {
        if (!super.requestCancel()) {
            return false;
        }
        Thread t = thread;
        if (t != null && phase == Phase.HANDLER) {
            t.interrupt();
        }
        return true;
    }

    /** The handler starts: from now on a cancel interrupts the thread (if one came already, at once). */
    synchronized void enterHandler() {
        phase = Phase.HANDLER;
        if (cancelRequested() && thread != null) {
            thread.interrupt();
        }
    }

    /** The handler returned or threw (or never ran): no interrupt may land after this, none is left pending. */
    synchronized void leaveHandler() {
        phase = Phase.COMPLETING;
        Thread.interrupted();
    }

    /** Handed to the completer without a handler run (a task the claim found canceling or abandoned). */
    void completing() {
        phase = Phase.COMPLETING;
    }

    /** An immediate task over its time limit is stopped like a cancel but ends failed. */
    boolean timeOut() {
        timedOut = true;
        return requestCancel();
    }

    boolean timedOut() {
        return timedOut;
    }
}
