package dev.brigade.api.task;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.immediate.ApiPresence;
import dev.brigade.api.immediate.ImmediateRunner;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.dispatch.ImmediateDispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Dispatch from the API. An immediate task runs here, in the request, when nothing earlier
 * conflicts with it, unless the settings send every deferrable one to the workers.
 */
@ApplicationScoped
public class TaskDispatch {
    private final Dispatcher dispatcher;
    private final ImmediateDispatcher immediateDispatcher;
    private final ImmediateRunner runner;
    private final ApiPresence presence;
    private final boolean deferToWorkers;

    public TaskDispatch(Dispatcher dispatcher, ImmediateDispatcher immediateDispatcher, ImmediateRunner runner,
                        ApiPresence presence, ApiConfig config) {
        this.dispatcher = dispatcher;
        this.immediateDispatcher = immediateDispatcher;
        this.runner = runner;
        this.presence = presence;
        this.deferToWorkers = config.immediateTasks().deferToWorkers();
    }

    public Uni<Task> dispatch(DispatchRequest request) {
        if (!request.immediate() || (deferToWorkers && request.deferred())) {
            return dispatcher.dispatch(request).map(Dispatcher.Dispatched::task);
        }
        return immediateDispatcher.dispatch(request, presence.id(), presence.name())
                .chain(immediate -> immediate.outcome() == ImmediateDispatcher.Outcome.HELD_BY_ME
                        ? runner.run(immediate.task())
                        : Uni.createFrom().item(immediate.task()));
    }
}
