package dev.brigade.worker.execute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.core.task.TaskState;
import dev.brigade.worker.ProcessExit;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.metrics.WorkerMetrics;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs claimed tasks: each on a virtual thread of its own (a handler may block), at most
 * brigade.worker.concurrency in their handlers at once, the others queued for a slot in claim
 * order (see LocalQueue). A task the claim found canceling or abandoned is not run: its outcome goes straight to
 * the completer. A handler that throws never kills the worker. Cancel is cooperative first; a
 * handler still running after the cancel grace makes the whole process stop (see ProcessExit).
 */
@ApplicationScoped
public class TaskSupervisor {
    private static final Logger LOG = Logger.getLogger(TaskSupervisor.class);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskHandlers handlers;
    private final Dispatcher dispatcher;
    private final HeldTasks held;
    private final TaskCompleter completer;
    private final ProcessExit processExit;
    private final Duration cancelGrace;
    private final Duration immediateTimeout;
    private final WorkerMetrics metrics;
    private final LocalQueue localQueue;
    private final ScheduledExecutorService escalations = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("brigade-cancel-escalation").daemon().factory());

    public TaskSupervisor(Pool pool, WorkerIdentity identity, TaskHandlers handlers, Dispatcher dispatcher,
                          HeldTasks held, LocalQueue localQueue, TaskCompleter completer, ProcessExit processExit,
                          WorkerConfig config,
                          @ConfigProperty(name = "brigade.immediate.timeout", defaultValue = "5S") Duration immediateTimeout,
                          WorkerMetrics metrics) {
        this.pool = pool;
        this.identity = identity;
        this.handlers = handlers;
        this.dispatcher = dispatcher;
        this.held = held;
        this.localQueue = localQueue;
        this.completer = completer;
        this.processExit = processExit;
        this.cancelGrace = config.cancelGrace();
        this.immediateTimeout = immediateTimeout;
        this.metrics = metrics;
    }

    /** Starts handing queued tasks their slots, in claim order. */
    public void begin() {
        localQueue.start(this::onSlot);
    }

    /** Takes a claimed task on: it is held from now until its outcome is written. */
    public void start(TaskBatchStore.Claimed claimed) {
        Task task = claimed.task();
        TaskExecution execution = new TaskExecution(task, claimed.claimedState(), identity.name(), pool, dispatcher);
        held.add(execution);
        switch (claimed.claimedState()) {
            case CANCELING -> finishCanceling(execution);
            case RUNNING -> abandoned(execution);
            case WAITING -> {
                if (claimed.started()) {
                    localQueue.runStarted(execution);
                } else {
                    localQueue.enqueue(execution);
                }
            }
            default -> {
                LOG.warnf("claimed task %s in state %s; left held until this worker is gone", task.id(), claimed.claimedState());
                held.remove(task.id());
            }
        }
    }

    /** Asks a task this worker holds to stop; escalates if its handler has not stopped after the grace. */
    public void cancel(UUID taskId) {
        Optional<TaskExecution> found = held.find(taskId);
        if (found.isEmpty() || !found.get().requestCancel()) {
            return;
        }
        LOG.infof("cancel requested for task %s", taskId);
        escalateUnlessStopped(found.get(), "ignored its cancel");
    }

    /** A handler still running after the grace cannot be stopped from inside: stop the process. */
    private void escalateUnlessStopped(TaskExecution execution, String what) {
        UUID taskId = execution.taskId();
        // a handler that stops its work itself (a process handler: SIGTERM, its grace, SIGKILL) says how long it takes
        Duration grace = handlers.find(execution.task().name()).flatMap(TaskHandler::stopWithin).orElse(cancelGrace);
        escalations.schedule(() -> {
            if (execution.phase() == TaskExecution.Phase.HANDLER && held.find(taskId).orElse(null) == execution) {
                processExit.recordAndHalt("task " + taskId + " " + what + " for " + grace.toSeconds()
                        + " s; worker " + identity.name() + " stopped to end it");
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An immediate task has a time limit on a worker too (brigade.immediate.timeout). */
    private void limitTime(TaskExecution execution) {
        escalations.schedule(() -> {
            if (execution.phase() == TaskExecution.Phase.HANDLER && execution.timeOut()) {
                LOG.warnf("immediate task %s ran past its time limit of %s", execution.taskId(), immediateTimeout);
                escalateUnlessStopped(execution, "ran past its time limit and did not stop");
            }
        }, immediateTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Canceled before it ran: canceled; canceled while its worker vanished: failed. */
    private void finishCanceling(TaskExecution execution) {
        Task task = execution.task();
        boolean ran = task.startedAt() != null;
        JsonNode error = ran ? TaskErrors.missingWorker(task.worker()) : null;
        complete(execution, TaskState.CANCELED, null, null, ran ? TaskState.FAILED : TaskState.CANCELED, error, true);
    }

    private void abandoned(TaskExecution execution) {
        Task task = execution.task();
        JsonNode error = TaskErrors.missingWorker(task.worker());
        LOG.warnf("task %s was left running by %s, which has gone missing", task.id(), task.worker());
        complete(execution, TaskState.FAILED, null, error, TaskState.FAILED, error, true);
    }

    /** The task has a handler slot: it runs on a virtual thread of its own. */
    private void onSlot(TaskExecution execution) {
        Thread thread = Thread.ofVirtual().name("brigade-task-" + execution.taskId()).unstarted(() -> run(execution));
        execution.bindTo(thread);
        thread.start();
    }

    /** On the task's own thread: run the handler (unless canceled while queued), hand the outcome to the completer. */
    private void run(TaskExecution execution) {
        Task task = execution.task();
        MDC.put("task_id", task.id().toString());
        MDC.put("task_name", task.name());
        MDC.put("logging_cid", task.loggingCid());
        long start = System.nanoTime();
        boolean handlerRan = false;
        try {
            if (execution.cancelRequested()) {
                // canceled while queued: it never ran, so its start is undone
                complete(execution, TaskState.CANCELED, null, null, TaskState.CANCELED, null, false);
                return;
            }
            handlerRan = true;
            runHandler(execution);
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not hand on the outcome of task %s; it stays held until this worker is gone", task.id());
        } finally {
            if (handlerRan) {
                localQueue.handlerDone(System.nanoTime() - start);
            } else {
                localQueue.slotUnused();
            }
            MDC.remove("task_id");
            MDC.remove("task_name");
            MDC.remove("logging_cid");
        }
    }

    private void runHandler(TaskExecution execution) {
        Task task = execution.task();
        Optional<TaskHandler> handler = handlers.find(task.name());
        if (handler.isEmpty()) {
            // a safety net: the claim takes a waiting task only when its name is one of
            // handlers.names() (TaskSql.CLAIM_BATCH), so a mixed fleet does not come here
            execution.leaveHandler();
            JsonNode error = TaskErrors.description("no task handler named '" + task.name() + "' on worker " + identity.name());
            complete(execution, TaskState.FAILED, null, error, TaskState.CANCELED, null, true);
            return;
        }
        if (task.immediate()) {
            limitTime(execution);
        }
        LOG.debugf("running task %s (%s)", task.id(), task.name());
        long start = System.nanoTime();
        JsonNode result;
        try {
            execution.enterHandler();
            result = handler.get().run(task.args(), execution);
        } catch (Throwable failure) {
            execution.leaveHandler();
            metrics.handlerRan(task.name(), Duration.ofNanos(System.nanoTime() - start));
            JsonNode error = execution.timedOut() ? timedOut()
                    : execution.cancelRequested() && failure instanceof InterruptedException
                    ? TaskErrors.description("interrupted")
                    : TaskErrors.of(failure);
            complete(execution, TaskState.FAILED, null, error, TaskState.CANCELED, null, true);
            return;
        }
        execution.leaveHandler();
        metrics.handlerRan(task.name(), Duration.ofNanos(System.nanoTime() - start));
        if (execution.timedOut()) {
            complete(execution, TaskState.FAILED, null, timedOut(), TaskState.CANCELED, null, true);
            return;
        }
        complete(execution, TaskState.COMPLETED, result, null, TaskState.CANCELED, null, true);
    }

    private JsonNode timedOut() {
        return TaskErrors.description("timed out: an immediate task may run for at most " + immediateTimeout.toMillis() / 1000.0 + " s");
    }

    /**
     * Hands the outcome to the completer: {@code state} (or {@code ifCanceling} if the task was
     * moved to canceling meanwhile). {@code ran} false undoes the start the claim recorded.
     */
    private void complete(TaskExecution execution, TaskState state, JsonNode result, JsonNode error,
                          TaskState ifCanceling, JsonNode errorIfCanceling, boolean ran) {
        execution.completing();
        Task task = execution.task();
        completer.submit(execution, new TaskBatchStore.Outcome(task.id(), task.reservations(), state, result, error,
                ifCanceling, errorIfCanceling, ran));
    }
}
