package dev.brigade.core.handler;

import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;
import java.util.UUID;

/**
 * The context a handler sees while a process runs its task, the same in a worker and in the
 * api-server: progress reports and children go to the database, and a stop flag the process sets
 * when the task is canceled or over its time limit.
 */
public class HandlerContext implements TaskContext {
    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    private final Task task;
    private final String processName;
    private final Pool pool;
    private final Dispatcher dispatcher;
    private volatile boolean cancelRequested;

    public HandlerContext(Task task, String processName, Pool pool, Dispatcher dispatcher) {
        this.task = task;
        this.processName = processName;
        this.pool = pool;
        this.dispatcher = dispatcher;
    }

    public Task task() {
        return task;
    }

    /** Raises the stop flag; true the first time only, so one request triggers one escalation. */
    public synchronized boolean requestCancel() {
        if (cancelRequested) {
            return false;
        }
        cancelRequested = true;
        return true;
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
        ProgressStore.upsert(pool, task.id(), code, message, total, done).await().atMost(DB_WAIT);
    }

    @Override
    public UUID dispatchChild(DispatchRequest request) {
        return dispatcher.dispatch(request.withParent(task.id(), task.loggingCid())).await().atMost(DB_WAIT).task().id();
    }
}
