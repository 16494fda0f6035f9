package dev.brigade.api.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.error.Problem;
import dev.brigade.api.http.CancelBody;
import dev.brigade.api.paging.Page;
import dev.brigade.core.db.TaskListStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.NotFoundException;
import dev.brigade.core.error.StateConflictException;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskCanceler;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.UUID;

/** The task endpoints (API.md, "Tasks"); the rules live in core and in the classes beside this one. */
@Path(TaskView.PATH)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class TaskResource {
    public static final String CORRELATION_ID = dev.brigade.api.http.CorrelationIdEcho.HEADER;

    private final Pool pool;
    private final TaskDispatch dispatch;
    private final TaskCanceler canceler;
    private final TaskViews views;
    private final ApiConfig config;
    private final ObjectMapper mapper;

    public TaskResource(Pool pool, TaskDispatch dispatch, TaskCanceler canceler, TaskViews views, ApiConfig config,
                        ObjectMapper mapper) {
        this.pool = pool;
        this.dispatch = dispatch;
        this.canceler = canceler;
        this.views = views;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> dispatch(DispatchBody body, @HeaderParam(CORRELATION_ID) String correlationId) {
        if (body == null) {
            return Uni.createFrom().failure(new InvalidRequestException("body", "a JSON object is required"));
        }
        if (correlationId != null && !dev.brigade.core.dispatch.Dispatcher.acceptsLoggingCid(correlationId)) {
            // named as the client sent it: the header (it becomes the task's logging_cid)
            return Uni.createFrom().failure(new InvalidRequestException(CORRELATION_ID,
                    dev.brigade.core.dispatch.Dispatcher.LOGGING_CID_RULE));
        }
        return dispatch.dispatch(body.toRequest(correlationId))
                .map(view -> Response.accepted(view)
                        .location(URI.create(view.href()))
                        .header(CORRELATION_ID, view.loggingCid())
                        .build());
    }

    @GET
    public Uni<Page<Object>> list(@Context UriInfo uri) {
        TaskListParams params = TaskListParams.read(uri, config);
        return TaskListStore.list(pool, params.filter(), params.page().limit(), params.page().offset())
                .chain(page -> views.of(page.tasks(), params.fields())
                        .map(list -> params.page().page(page.count(), params.fields().apply(list, mapper))));
    }

    @GET
    @Path("{id}")
    public Uni<Object> get(@PathParam("id") String id, @QueryParam("fields") String fields,
                           @QueryParam("exclude_fields") String excludeFields) {
        UUID taskId = TaskIds.parse(id);
        FieldSelection selection = FieldSelection.parse(fields, excludeFields, TaskView.FIELDS);
        return find(taskId).chain(views::of).map(view -> selection.apply(view, mapper));
    }

    /** Cancel. The id is checked before the body, so an unknown id is a 404 whatever the body. */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<TaskView> cancel(@PathParam("id") String id, String body) {
        UUID taskId = TaskIds.parse(id);
        return find(taskId)
                .invoke(() -> CancelBody.check(body, mapper))
                .chain(() -> canceler.cancel(taskId))
                .chain(() -> find(taskId))
                .chain(views::of);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        UUID taskId = TaskIds.parse(id);
        return TaskStore.deleteIfFinal(pool, taskId).chain(deleted -> deleted
                ? Uni.createFrom().item(Response.noContent().build())
                : TaskStore.state(pool, taskId).map(state -> {
                    if (state.isEmpty()) {
                        throw new NotFoundException("task " + taskId);
                    }
                    if (state.get().isFinal()) { // final, still held by a worker about to halt (its resources kept)
                        throw new StateConflictException("task " + taskId + " is " + state.get().dbName()
                                + " but still held by a process that is stopping; try again shortly");
                    }
                    throw new StateConflictException("task " + taskId + " is " + state.get().dbName()
                            + "; only a final task (completed, failed, canceled, skipped) can be deleted");
                }));
    }

    private Uni<Task> find(UUID id) {
        return TaskStore.findById(pool, id)
                .map(task -> task.orElseThrow(() -> new NotFoundException("task " + id)));
    }
}
