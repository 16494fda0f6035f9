package dev.brigade.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.api.error.Problem;
import dev.brigade.api.http.CorrelationIdEcho;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.PurgeRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * POST /api/v1/tasks/purge: checks the purge arguments with the same rules the purge handler uses,
 * then dispatches brigade.purge with them made absolute (a time, not "30 days ago"), so the task
 * purges what the caller saw when asking.
 */
@Path(TaskView.PATH + "/purge")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class PurgeResource {
    static final String HANDLER = "brigade.purge";
    static final Set<String> FIELDS = Set.of("finished_before", "states");

    private final TaskDispatch dispatch;

    public PurgeResource(TaskDispatch dispatch) {
        this.dispatch = dispatch;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> purge(JsonNode body, @HeaderParam(CorrelationIdEcho.HEADER) String correlationId) {
        PurgeRequest request = read(body);
        DispatchRequest task = new DispatchRequest(HANDLER, request.toArgs(), List.of(), List.of(), false, true,
                null, null, null, null, correlationId);
        return dispatch.dispatch(task)
                .map(view -> Response.accepted(view)
                        .location(URI.create(view.href()))
                        .header(CorrelationIdEcho.HEADER, view.loggingCid())
                        .build());
    }

    private static PurgeRequest read(JsonNode body) {
        if (body != null && !body.isNull() && !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object");
        }
        if (body != null) {
            for (String name : (Iterable<String>) body::fieldNames) {
                if (!FIELDS.contains(name)) {
                    throw new InvalidRequestException(name, "is not a known field; a purge takes " + FIELDS);
                }
            }
        }
        try {
            return PurgeRequest.fromArgs(body);
        } catch (IllegalArgumentException e) {
            // PurgeRequest names the field first in its message
            String field = e.getMessage().startsWith("states") ? "states" : "finished_before";
            throw new InvalidRequestException(field, e.getMessage());
        }
    }
}
