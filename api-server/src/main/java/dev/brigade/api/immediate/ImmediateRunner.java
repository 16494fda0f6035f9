package dev.brigade.api.immediate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.api.config.ApiConfig;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerContext;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.core.task.TaskState;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an immediate task this process holds, inside the dispatch request: running, the handler on
 * a thread of its own under the time limit, then final with its resources released. A handler past
 * the limit is asked to stop (flag, then interrupt). One that ends within the stop grace has its
 * task recorded failed and released as usual. One that ignores its stop past the grace cannot be
 * killed (a Java thread), so its task is recorded failed ("timed out") and answered, but, as a
 * halting worker does, this process keeps the task's lock and reservation rows until the handler
 * thread has returned, and only then releases them: no handler outlives its reservation (if this
 * process dies first, the reap of its row and the janitor's sweep release them).
 */
@ApplicationScoped
public class ImmediateRunner {
    private static final Logger LOG = Logger.getLogger(ImmediateRunner.class);
    /** How long a handler asked to stop gets to end its thread before its task is recorded with its reservations kept. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Pool pool;
    private final TaskHandlers handlers;
    private final Dispatcher dispatcher;
    private final ApiPresence presence;
    private final RunningHandlers running;
    private final Duration timeLimit;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public ImmediateRunner(Pool pool, TaskHandlers handlers, Dispatcher dispatcher, ApiPresence presence,
                           RunningHandlers running, ApiConfig config) {
        this.pool = pool;
        this.handlers = handlers;
        this.dispatcher = dispatcher;
        this.presence = presence;
        this.running = running;
        this.timeLimit = config.immediateTasks().timeLimit();
    }

    /** How the handler ended. */
    private record Outcome(TaskState state, JsonNode result, JsonNode error) {
        static Outcome failed(JsonNode error) {
            return new Outcome(TaskState.FAILED, null, error);
        }
    }

    /** What to record: the outcome, and the handler's end when it still runs (else null). */
    private record Ran(Outcome outcome, CompletableFuture<Outcome> stillRunning) {
    }

    /** Runs a task held by this process (see ImmediateDispatcher) and answers it as recorded. */
    public Uni<Task> run(Task held) {
        TaskHandler handler = handlers.find(held.name())
                .orElseThrow(() -> new IllegalStateException("dispatched with no handler: " + held.name()));
        return TaskStore.setRunning(pool, held.id(), presence.id())
                .chain(started -> started.isEmpty()
                        // canceled between dispatch and start: finish the cancel
                        ? finish(held, new Outcome(TaskState.CANCELED, null, null))
                        : execute(handler, held).chain(ran -> ran.stillRunning() == null
                                ? finish(held, ran.outcome())
                                : finishKeepingReservations(held, ran)))
                .chain(() -> TaskStore.findById(pool, held.id()))
                .map(task -> task.orElseThrow(() -> new IllegalStateException("task " + held.id() + " vanished")));
    }

    private Uni<Ran> execute(TaskHandler handler, Task task) {
        HandlerContext run = new HandlerContext(task, presence.name(), pool, dispatcher);
        CompletableFuture<Outcome> ended = new CompletableFuture<>();
        running.started(); // until it returns, a stop leaves this process's row (the task's holder) alone
        Future<?> thread;
        try {
            thread = threads.submit(() -> {
                try {
                    ended.complete(runHandler(handler, task, run));
                } finally {
                    running.returned();
                }
            });
        } catch (RuntimeException e) { // rejected: stopping
            running.returned();
            throw e;
        }
        String limit = "timed out: an immediate task may run for " + timeLimit.toMillis() + " ms";
        // copy(): a timeout cancels what it waits on, and must not cancel the record of the end itself
        return Uni.createFrom().completionStage(ended::copy)
                .map(outcome -> new Ran(outcome, null))
                .ifNoItem().after(timeLimit).recoverWithUni(() -> {
                    run.requestCancel();
                    thread.cancel(true);
                    return Uni.createFrom().completionStage(ended::copy)
                            .map(stopped -> new Ran(Outcome.failed(TaskErrors.description(limit)), null))
                            .ifNoItem().after(STOP_GRACE).recoverWithItem(() -> {
                                LOG.errorf("immediate task %s (%s) ignored its stop for %s; its resources stay reserved"
                                        + " until its handler returns", task.id(), task.name(), STOP_GRACE);
                                return new Ran(Outcome.failed(TaskErrors.description(limit
                                        + "; its handler ignored its stop, so its resources stay reserved until it returns")),
                                        ended);
                            });
                });
    }

    private static Outcome runHandler(TaskHandler handler, Task task, HandlerContext run) {
        try {
            JsonNode result = handler.run(task.args(), run);
            return new Outcome(TaskState.COMPLETED, result, null);
        } catch (InterruptedException e) {
            return Outcome.failed(TaskErrors.description("interrupted"));
        } catch (Exception e) {
            return Outcome.failed(TaskErrors.of(e));
        }
    }

    /** Under the resource locks, like every release, then wakes the unblocker for what it freed. */
    private Uni<Void> finish(Task task, Outcome outcome) {
        TaskStore.Finish finish = new TaskStore.Finish(task.id(), presence.id(), outcome.state(), outcome.result(),
                outcome.error(), TaskState.CANCELED, null);
        return pool.withTransaction(tx -> TaskStore.lockResources(tx, task.reservations())
                .chain(() -> TaskStore.finish(tx, finish))
                .call(written -> {
                    if (written.isEmpty()) {
                        LOG.warnf("immediate task %s was no longer held by this process; its outcome was not recorded",
                                task.id());
                        return Uni.createFrom().voidItem();
                    }
                    return SignalPublisher.send(tx, Signal.UNBLOCK);
                })
                .replaceWithVoid());
    }

    /**
     * The handler still runs: the task is recorded final (the request is answered) but keeps its
     * lock and reservation rows, released only once the handler thread has returned.
     */
    private Uni<Void> finishKeepingReservations(Task task, Ran ran) {
        return TaskStore.finishKeepingReservations(pool, task.id(), presence.id(), ran.outcome().error())
                .invoke(written -> {
                    if (written.isEmpty()) {
                        // no longer held (this process was judged missing): the janitor's sweep releases them
                        LOG.warnf("immediate task %s was no longer held by this process; its outcome was not recorded",
                                task.id());
                        return;
                    }
                    ran.stillRunning().whenComplete((outcome, failure) -> releaseKept(task));
                })
                .replaceWithVoid();
    }

    /** Retried while this process lives: until it succeeds, the resources stay taken. */
    private void releaseKept(Task task) {
        pool.withTransaction(tx -> TaskStore.releaseKept(tx, task.id(), presence.id())
                        .call(released -> released > 0 ? SignalPublisher.send(tx, Signal.UNBLOCK) : Uni.createFrom().voidItem()))
                .onFailure().invoke(failure -> LOG.warnf("releasing the resources of immediate task %s failed (%s); retrying",
                        task.id(), failure.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(1000)
                .subscribe().with(
                        released -> LOG.infof("immediate task %s: its handler returned, its resources are released", task.id()),
                        failure -> LOG.errorf("immediate task %s: resources not released (%s); they are released"
                                + " once this process's row is gone", task.id(), failure.getMessage()));
    }

    void onStop(@Observes ShutdownEvent event) {
        threads.shutdownNow();
    }
}
