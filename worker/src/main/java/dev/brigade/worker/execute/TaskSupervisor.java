package dev.brigade.worker.execute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.core.task.TaskState;
import dev.brigade.worker.Db;
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
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Takes a claimed task to a final state on the calling thread: finishes a canceled or abandoned
 * one at once, else sets it running, runs its handler and records the outcome. A handler that
 * throws never kills the worker. Cancel is cooperative first; a handler still running after the
 * cancel grace makes the whole process stop (see {@link ProcessExit}).
 */
@ApplicationScoped
public class TaskSupervisor {
    private static final Logger LOG = Logger.getLogger(TaskSupervisor.class);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskHandlers handlers;
    private final Dispatcher dispatcher;
    private final TaskFinisher finisher;
    private final ProcessExit processExit;
    private final Duration cancelGrace;
    private final Duration immediateTimeout;
    private final WorkerMetrics metrics;
    private final Map<UUID, TaskExecution> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService escalations = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("brigade-cancel-escalation").daemon().factory());

    public TaskSupervisor(Pool pool, WorkerIdentity identity, TaskHandlers handlers, Dispatcher dispatcher,
                          TaskFinisher finisher, ProcessExit processExit, WorkerConfig config,
                          @ConfigProperty(name = "brigade.immediate.timeout", defaultValue = "5S") Duration immediateTimeout,
                          WorkerMetrics metrics) {
        this.pool = pool;
        this.identity = identity;
        this.handlers = handlers;
        this.dispatcher = dispatcher;
        this.finisher = finisher;
        this.processExit = processExit;
        this.cancelGrace = config.cancelGrace();
        this.immediateTimeout = immediateTimeout;
        this.metrics = metrics;
    }

    public void supervise(Task claimed) {
        MDC.put("task_id", claimed.id().toString());
        MDC.put("task_name", claimed.name());
        MDC.put("logging_cid", claimed.loggingCid());
        try {
            switch (claimed.state()) {
                case CANCELING -> finishCanceling(claimed);
                case RUNNING -> abandoned(claimed);
                case WAITING -> start(claimed);
                default -> LOG.warnf("claimed task %s in state %s; left alone", claimed.id(), claimed.state());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not record the outcome of task %s; it stays held until this worker is gone", claimed.id());
        } finally {
            running.remove(claimed.id());
            MDC.remove("task_id");
            MDC.remove("task_name");
            MDC.remove("logging_cid");
        }
    }

    /** Asks a task this worker runs to stop; escalates if it has not after the grace. */
    public void cancel(UUID taskId) {
        TaskExecution execution = running.get(taskId);
        if (execution == null || !execution.requestCancel()) {
            return;
        }
        LOG.infof("cancel requested for task %s", taskId);
        escalateUnlessStopped(execution, "ignored its cancel");
    }

    /** A handler still running after the grace cannot be stopped from inside: stop the process. */
    private void escalateUnlessStopped(TaskExecution execution, String what) {
        UUID taskId = execution.taskId();
        escalations.schedule(() -> {
            if (execution.alive() && running.get(taskId) == execution) {
                processExit.recordAndHalt("task " + taskId + " " + what + " for " + cancelGrace.toSeconds()
                        + " s; worker " + identity.name() + " stopped to end it");
            }
        }, cancelGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An immediate task has a time limit on a worker too (brigade.immediate.timeout). */
    private void limitTime(TaskExecution execution) {
        escalations.schedule(() -> {
            if (running.get(execution.taskId()) == execution && execution.timeOut()) {
                LOG.warnf("immediate task %s ran past its time limit of %s", execution.taskId(), immediateTimeout);
                escalateUnlessStopped(execution, "ran past its time limit and did not stop");
            }
        }, immediateTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private JsonNode timedOut() {
        return TaskErrors.description("timed out: an immediate task may run for at most " + immediateTimeout.toMillis() / 1000.0 + " s");
    }

    public Collection<UUID> runningIds() {
        return running.keySet();
    }

    public int runningCount() {
        return running.size();
    }

    /** Canceled before it ran: canceled; canceled while its worker vanished: failed. */
    private void finishCanceling(Task task) {
        boolean ran = task.startedAt() != null;
        JsonNode error = ran ? TaskErrors.missingWorker(task.worker()) : null;
        finisher.finish(task, TaskState.CANCELED, null, null, ran ? TaskState.FAILED : TaskState.CANCELED, error);
    }

    private void abandoned(Task task) {
        JsonNode error = TaskErrors.missingWorker(task.worker());
        LOG.warnf("task %s was left running by %s, which has gone missing", task.id(), task.worker());
        finisher.finish(task, TaskState.FAILED, null, error, TaskState.FAILED, error);
    }

    private void start(Task task) {
        TaskExecution execution = new TaskExecution(task, identity.name(), pool, dispatcher);
        execution.bindTo(Thread.currentThread());
        running.put(task.id(), execution);
        Optional<?> started = Db.awaitUntilDone("starting task " + task.id(),
                () -> TaskStore.setRunning(pool, task.id(), identity.id()));
        if (started.isEmpty()) {
            // moved to canceling between the claim and now: it never ran
            finisher.finish(task, TaskState.CANCELED, null, null, TaskState.CANCELED, null);
            return;
        }
        Optional<TaskHandler> handler = handlers.find(task.name());
        if (handler.isEmpty()) {
            JsonNode error = TaskErrors.description("no task handler named '" + task.name() + "' on worker " + identity.name());
            finisher.finish(task, TaskState.FAILED, null, error, TaskState.CANCELED, null);
            return;
        }
        if (task.immediate()) {
            limitTime(execution);
        }
        run(execution, handler.get());
    }

    private void run(TaskExecution execution, TaskHandler handler) {
        Task task = execution.task();
        LOG.debugf("running task %s (%s)", task.id(), task.name());
        JsonNode result;
        long start = System.nanoTime();
        try {
            execution.enterHandler();
            result = handler.run(task.args(), execution);
        } catch (Throwable failure) {
            execution.leaveHandler();
            metrics.handlerRan(task.name(), Duration.ofNanos(System.nanoTime() - start));
            JsonNode error = execution.timedOut() ? timedOut()
                    : execution.cancelRequested() && failure instanceof InterruptedException
                    ? TaskErrors.description("interrupted")
                    : TaskErrors.of(failure);
            finisher.finish(task, TaskState.FAILED, null, error, TaskState.CANCELED, null);
            return;
        }
        execution.leaveHandler();
        metrics.handlerRan(task.name(), Duration.ofNanos(System.nanoTime() - start));
        if (execution.timedOut()) {
            finisher.finish(task, TaskState.FAILED, null, timedOut(), TaskState.CANCELED, null);
            return;
        }
        finisher.finish(task, TaskState.COMPLETED, result, null, TaskState.CANCELED, null);
    }
}
