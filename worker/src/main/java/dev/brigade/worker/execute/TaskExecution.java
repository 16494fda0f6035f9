package dev.brigade.worker.execute;

import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerContext;
import dev.brigade.core.task.Task;
import io.vertx.mutiny.sqlclient.Pool;

/** One task running on this worker: the handler's context plus the thread that runs it. */
final class TaskExecution extends HandlerContext {
    private volatile boolean timedOut;
    private volatile Thread thread;
    private boolean inHandler;

    TaskExecution(Task task, String processName, Pool pool, Dispatcher dispatcher) {
        super(task, processName, pool, dispatcher);
    }

    void bindTo(Thread thread) {
        this.thread = thread;
    }

    boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /**
     * Cooperative first: the flag, then an interrupt for handlers blocked in I/O or sleep — only
     * while the handler runs, never in the worker's own writes (set running, finish), which an
     * interrupt would break after they committed.
     */
    @Override
    public synchronized boolean requestCancel() {
        if (!super.requestCancel()) {
            return false;
        }
        Thread t = thread;
        if (t != null && inHandler) {
            t.interrupt();
        }
        return true;
    }

    /** The handler starts: from now on a cancel also interrupts the thread (if one came already, at once). */
    synchronized void enterHandler() {
        inHandler = true;
        if (cancelRequested() && thread != null) {
            thread.interrupt();
        }
    }

    /** The handler returned or threw: no interrupt may land after this, and none is left pending. */
    synchronized void leaveHandler() {
        inHandler = false;
        Thread.interrupted();
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
