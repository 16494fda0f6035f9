package dev.brigade.worker.execute;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.core.task.TaskState;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Writes the outcomes of this worker's tasks in batches: one statement for everything handed in
 * since the last write (TaskBatchStore.finish), so a busy worker writes many outcomes per round
 * trip while an idle one writes each at once, with no timer to wait for. A task stays held until
 * its outcome is in the database; if the worker dies first, the task is recovered like any task
 * of a missing worker ("worker … has gone missing"). A batch that the database refuses for its
 * data (a result it cannot store) is written one by one, and an outcome that still fails is
 * recorded failed with the reason, so one bad result never holds up the others.
 */
@ApplicationScoped
public class TaskCompleter {
    private static final Logger LOG = Logger.getLogger(TaskCompleter.class);
    static final int MAX_BATCH = 1000;

    /** An outcome waiting to be written, with the task it belongs to. */
    record Pending(TaskExecution execution, TaskBatchStore.Outcome outcome) {
    }

    private final Pool pool;
    private final WorkerIdentity identity;
    private final HeldTasks held;
    private final WorkerMetrics metrics;
    private final boolean auxiliary;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Consumer<Boolean> afterWrite = released -> { };
    private volatile Runnable onSubmit = () -> { };
    private Thread thread;

    public TaskCompleter(Pool pool, WorkerIdentity identity, HeldTasks held, WorkerMetrics metrics, WorkerConfig config) {
        this.pool = pool;
        this.identity = identity;
        this.held = held;
        this.metrics = metrics;
        this.auxiliary = config.auxiliary();
    }

    /** What runs after each write, told whether releases were recorded (the worker loop then unblocks). */
    public void afterWrite(Consumer<Boolean> listener) {
        this.afterWrite = listener;
    }

    /** What runs when an outcome is handed in (its handler slot is free again: the loop may claim). */
    public void onSubmit(Runnable listener) {
        this.onSubmit = listener;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("brigade-completer").daemon().start(this::loop);
        }
    }

    void submit(TaskExecution execution, TaskBatchStore.Outcome outcome) {
        queue.add(new Pending(execution, outcome));
        onSubmit.run();
    }

    /** Outcomes handed in and not yet taken for a write. */
    public int backlog() {
        return queue.size();
    }

    /**
     * For a process about to halt: writes what is still queued, once, on the calling thread, for
     * at most {@code timeout}; whatever is left is recorded by the halt like any other held task.
     */
    public void writeQueuedNow(Duration timeout) {
        List<Pending> batch = new ArrayList<>();
        queue.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            Db.await(TaskBatchStore.finish(pool, identity.id(), outcomes(batch), auxiliary), timeout);
            LOG.infof("wrote %d queued outcome(s) before halting", batch.size());
        } catch (RuntimeException e) {
            LOG.warnf("could not write %d queued outcome(s) before halting: %s", batch.size(), e.getMessage());
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                write(batch);
            } catch (RuntimeException e) {
                // not expected (writes retry until done); the tasks stay held, recovered as a missing worker's
                LOG.errorf(e, "could not record %d outcome(s); they stay held until this worker is gone", batch.size());
            }
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        TaskBatchStore.FinishResult result = Db.awaitUntilDone("recording " + batch.size() + " outcome(s)",
                () -> TaskBatchStore.finish(pool, identity.id(), outcomes(batch), auxiliary)
                        .onFailure(TaskCompleter::refusedForItsData).recoverWithNull());
        if (result == null) {
            writeOneByOne(batch);
            return;
        }
        settle(batch, result);
    }

    /** A batch the database refused for its data: each on its own, the refused ones recorded failed. */
    private void writeOneByOne(List<Pending> batch) {
        for (Pending pending : batch) {
            TaskBatchStore.FinishResult result = Db.awaitUntilDone("recording the outcome of task "
                    + pending.execution().taskId(), () -> TaskBatchStore
                    .finish(pool, identity.id(), List.of(pending.outcome()), auxiliary)
                    .onFailure(TaskCompleter::refusedForItsData).recoverWithNull());
            if (result == null) {
                TaskBatchStore.Outcome o = pending.outcome();
                LOG.errorf("the outcome of task %s could not be stored; recording it failed", o.id());
                TaskBatchStore.Outcome failed = new TaskBatchStore.Outcome(o.id(), o.reservations(), TaskState.FAILED,
                        null, TaskErrors.description("the task's outcome could not be stored (it holds a value PostgreSQL "
                        + "cannot keep, such as a \\u0000 character)"), o.ifCanceling(), null, o.ran());
                result = Db.awaitUntilDone("recording task " + o.id() + " failed",
                        () -> TaskBatchStore.finish(pool, identity.id(), List.of(failed), auxiliary));
            }
            settle(List.of(pending), result);
        }
    }

    private void settle(List<Pending> batch, TaskBatchStore.FinishResult result) {
        Map<UUID, TaskState> written = result.finished().stream()
                .collect(Collectors.toMap(TaskBatchStore.Finished::id, TaskBatchStore.Finished::state));
        for (Pending pending : batch) {
            TaskExecution execution = pending.execution();
            TaskState state = written.get(execution.taskId());
            if (state == null) {
                LOG.warnf("task %s was no longer held by this worker when it finished; its outcome was not recorded",
                        execution.taskId());
            } else {
                metrics.taskFinished(execution.task().name(), state);
            }
            held.remove(execution.taskId());
        }
        afterWrite.accept(result.releasesRecorded());
    }

    private static boolean refusedForItsData(Throwable failure) {
        return failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22");
    }

    private static List<TaskBatchStore.Outcome> outcomes(List<Pending> batch) {
        return batch.stream().map(Pending::outcome).toList();
    }
}
