package dev.brigade.worker.execute;

import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.worker.Db;
import io.vertx.mutiny.sqlclient.Pool;

import java.util.UUID;

/** One task running on this worker: its thread, its cancel flag, and the context its handler sees. */
final class TaskExecution implements TaskContext {
    private final Task task;
    private final String processName;
    private final Pool pool;
    private final Dispatcher dispatcher;
    private volatile boolean cancelRequested;
    private volatile boolean timedOut;
    private volatile Thread thread;

    TaskExecution(Task task, String processName, Pool pool, Dispatcher dispatcher) {
        this.task = task;
        this.processName = processName;
        this.pool = pool;
        this.dispatcher = dispatcher;
    }

    Task task() {
        return task;
    }

    void bindTo(Thread thread) {
        this.thread = thread;
    }

    boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /**
     * Cooperative first: the flag, then an interrupt for handlers blocked in I/O or sleep.
     * True the first time only, so one cancel schedules one escalation.
     */
    synchronized boolean requestCancel() {
        if (cancelRequested) {
            return false;
        }
        cancelRequested = true;
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

    @Override
    public UUID taskId() {
        return task.id();
    }

    @Override
    public String processName() {
        return processName;
    }

    @Override
    public boolean cancelRequested() {
        return cancelRequested;
    }

    @Override
    public void progress(String code, String message, Integer total, int done) {
        Db.await(ProgressStore.upsert(pool, task.id(), code, message, total, done));
    }

    @Override
    public UUID dispatchChild(DispatchRequest request) {
        return Db.await(dispatcher.dispatch(request.withParent(task.id(), task.loggingCid()))).task().id();
    }
}
