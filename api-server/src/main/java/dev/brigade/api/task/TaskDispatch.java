package dev.brigade.api.task;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.immediate.ApiPresence;
import dev.brigade.api.immediate.ImmediateRunner;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.dispatch.ImmediateDispatcher;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.task.DispatchRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Dispatch from the API. An immediate task runs here, in the request, when nothing earlier
 * conflicts with it, unless the settings send every deferrable one to the workers. One whose
 * handler only workers have is queued for them (claimed before other tasks): deferrable, as any
 * task; not deferrable, with the same check as here, canceled when something earlier conflicts.
 */
@ApplicationScoped
public class TaskDispatch {
    private final Dispatcher dispatcher;
    private final ImmediateDispatcher immediateDispatcher;
    private final ImmediateRunner runner;
    private final ApiPresence presence;
    private final TaskHandlers handlers;
    private final TaskViews views;
    private final boolean deferToWorkers;

    public TaskDispatch(Dispatcher dispatcher, ImmediateDispatcher immediateDispatcher, ImmediateRunner runner,
                        ApiPresence presence, TaskHandlers handlers, TaskViews views, ApiConfig config) {
        this.dispatcher = dispatcher;
        this.handlers = handlers;
        this.views = views;
        this.immediateDispatcher = immediateDispatcher;
        this.runner = runner;
        this.presence = presence;
        this.deferToWorkers = config.immediateTasks().deferToWorkers();
    }

    /**
     * The task as the answer shows it. A task that did not run here is shown as dispatch wrote it,
     * with no further query; one that ran is read back with what its handler added.
     */
    public Uni<TaskView> dispatch(DispatchRequest request) {
        boolean runHere = request.name() != null && handlers.find(request.name()).isPresent();
        if (!request.immediate() || (request.deferred() && (deferToWorkers || !runHere))) {
            return dispatcher.dispatch(request).map(dispatched -> TaskViews.notYetRun(dispatched.task()));
        }
        return immediateDispatcher.dispatch(request, presence.id(), presence.name(), runHere)
                .chain(immediate -> immediate.outcome() == ImmediateDispatcher.Outcome.HELD_BY_ME
                        ? runner.run(immediate.task()).chain(views::of)
                        : Uni.createFrom().item(TaskViews.notYetRun(immediate.task())));
    }
}
