package dev.brigade.api.task;

import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Dispatch from the API: the core dispatcher, with immediate tasks run here when they may be. */
@ApplicationScoped
public class TaskDispatch {
    private final Dispatcher dispatcher;

    public TaskDispatch(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public Uni<Task> dispatch(DispatchRequest request) {
        return dispatcher.dispatch(request).map(Dispatcher.Dispatched::task);
    }
}
