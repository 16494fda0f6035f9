package dev.brigade.worker.execute;

import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerContext;
import dev.brigade.core.task.Task;
import io.vertx.mutiny.sqlclient.Pool;

/** One task running on this worker: the handler's context plus the thread that runs it. */
final class TaskExecution extends HandlerContext {
    private volatile boolean timedOut;
    private volatile Thread thread;

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

    /** Cooperative first: the flag, then an interrupt for handlers blocked in I/O or sleep. */
    @Override
    public synchronized boolean requestCancel() {
        if (!super.requestCancel()) {
            return false;
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        return true;
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
