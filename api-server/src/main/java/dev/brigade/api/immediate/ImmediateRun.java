package dev.brigade.api.immediate;

import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;
import java.util.UUID;

/** One immediate task running in this process: the context its handler sees and its stop flag. */
final class ImmediateRun implements TaskContext {
    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    private final Task task;
    private final String processName;
    private final Pool pool;
    private final Dispatcher dispatcher;
    private volatile boolean stopRequested;

    ImmediateRun(Task task, String processName, Pool pool, Dispatcher dispatcher) {
        this.task = task;
        this.processName = processName;
        this.pool = pool;
        this.dispatcher = dispatcher;
    }

    void requestStop() {
        stopRequested = true;
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
        return stopRequested;
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
