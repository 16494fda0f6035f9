package dev.brigade.api.handler;

import java.util.List;

/**
 * A handler name as GET /api/v1/handlers shows it. {@code mayRunImmediately}: whether a dispatch
 * with {@code immediate: true} is accepted (the same rule dispatch applies);
 * {@code runsInApiServer}: the api-server has the handler's code, so an immediate task of it runs
 * in the request; {@code configured}: named in {@code brigade.handlers.known}; {@code workers}:
 * the live workers that advertise it, oldest first.
 */
public record HandlerView(String name, boolean mayRunImmediately, boolean runsInApiServer, boolean configured,
                          List<WorkerEntry> workers) {

    /** A live worker that runs the handler, and whether it says the handler may run immediately. */
    public record WorkerEntry(String name, boolean mayRunImmediately) {
    }
}
