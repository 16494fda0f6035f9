package dev.brigade.client.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/**
 * The Brigade REST API (v1, see API.md) as a MicroProfile REST Client, for a program that reaches
 * Brigade only over HTTP. In a Quarkus application (with {@code quarkus-rest-client-jackson}):
 * set {@code quarkus.rest-client.brigade.url=http://brigade-api:8080} and inject
 * {@code @RestClient BrigadeApi}. On a plain JVM, build one with any MicroProfile REST Client
 * implementation: {@code RestClientBuilder.newBuilder().baseUri(uri).build(BrigadeApi.class)}.
 *
 * <p>An answer of 400 or more is thrown as {@link BrigadeApiException}, with the problem
 * (RFC 9457) the API sent: its status, detail and, for invalid input, every bad field.
 * A {@code null} query parameter or header is left out of the request.
 */
@RegisterRestClient(configKey = "brigade")
@RegisterProvider(ProblemExceptionMapper.class)
@RegisterProvider(BrigadeObjectMapper.class)
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface BrigadeApi {

    /** POST /tasks: 202 with the task ({@code waiting}; an immediate one that ran comes back final). */
    @POST
    @Path("/tasks")
    TaskView dispatch(@HeaderParam("Correlation-ID") String correlationId, TaskDispatch task);

    /** POST /tasks with a generated correlation id. */
    default TaskView dispatch(TaskDispatch task) {
        return dispatch(null, task);
    }

    /** POST /tasks/bulk: 1..1,000 tasks, all or nothing, in the order given. */
    @POST
    @Path("/tasks/bulk")
    BulkTasks dispatchBulk(@HeaderParam("Correlation-ID") String correlationId, BulkDispatch tasks);

    default BulkTasks dispatchBulk(BulkDispatch tasks) {
        return dispatchBulk(null, tasks);
    }

    /** GET /tasks/{id}. */
    @GET
    @Path("/tasks/{id}")
    TaskView task(@PathParam("id") UUID id);

    /**
     * GET /tasks, newest first, with the filters most callers use ({@code null} for none):
     * {@code stateIn} a comma list of states, {@code reservedResource} tasks holding it in any mode.
     */
    @GET
    @Path("/tasks")
    Page<TaskView> tasks(@QueryParam("state__in") String stateIn, @QueryParam("name") String name,
                         @QueryParam("task_group") UUID taskGroup,
                         @QueryParam("reserved_resources") String reservedResource,
                         @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset);

    /** PATCH /tasks/{id}: the state change the API allows ({@link StateChange#CANCELED}). */
    @PATCH
    @Path("/tasks/{id}")
    TaskView changeState(@PathParam("id") UUID id, StateChange change);

    /** Cancels: the task {@code canceling}, or {@code canceled} already; 409 for another final state. */
    default TaskView cancel(UUID id) {
        return changeState(id, StateChange.CANCELED);
    }

    /** GET /handlers: the names dispatch accepts, and the live workers that run each. */
    @GET
    @Path("/handlers")
    Page<HandlerView> handlers(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset);

    default Page<HandlerView> handlers() {
        return handlers(null, null);
    }
}
