package dev.brigade.api.task;

import dev.brigade.api.error.Problem;
import dev.brigade.api.http.CorrelationIdEcho;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.error.InvalidRequestException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.UUID;

/**
 * POST /api/v1/tasks/bulk: up to {@value #MAX_TASKS} tasks in one request, all or nothing (see
 * {@link BulkDispatch}). The tasks of one request share its logging cid: the Correlation-ID
 * header, or one generated for the request, echoed either way.
 */
@Path(TaskView.PATH + "/bulk")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class BulkDispatchResource {
    public static final int MAX_TASKS = 1000;

    /** The answer: the tasks as dispatched, in the order given. */
    public record BulkAnswer(List<TaskView> tasks) {
    }

    private final BulkDispatch bulk;

    public BulkDispatchResource(BulkDispatch bulk) {
        this.bulk = bulk;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> dispatch(BulkDispatchBody body, @HeaderParam(CorrelationIdEcho.HEADER) String correlationId) {
        if (body == null) {
            throw new InvalidRequestException("body", "a JSON object is required");
        }
        if (correlationId != null && !Dispatcher.acceptsLoggingCid(correlationId)) {
            // named as the client sent it: the header (it becomes the tasks' logging_cid)
            throw new InvalidRequestException(CorrelationIdEcho.HEADER, Dispatcher.LOGGING_CID_RULE);
        }
        String cid = correlationId != null ? correlationId : UUID.randomUUID().toString().replace("-", "");
        return bulk.dispatch(body.toRequests(cid, MAX_TASKS))
                .map(tasks -> Response.accepted(new BulkAnswer(tasks.stream().map(TaskViews::notYetRun).toList()))
                        .header(CorrelationIdEcho.HEADER, cid)
                        .build());
    }
}
