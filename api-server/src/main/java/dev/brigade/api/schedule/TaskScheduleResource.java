package dev.brigade.api.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.error.Problem;
import dev.brigade.api.http.JsonBodies;
import dev.brigade.api.paging.Page;
import dev.brigade.api.paging.PageRequest;
import dev.brigade.api.query.QueryValues;
import dev.brigade.core.db.TaskScheduleSql;
import dev.brigade.core.db.TaskScheduleStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.NotFoundException;
import dev.brigade.core.error.StateConflictException;
import dev.brigade.core.handler.HandlerCatalog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Task schedules: create, read, switch on and off, delete. The janitor of the workers dispatches them. */
@Path(TaskScheduleView.PATH)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class TaskScheduleResource {
    private final Pool pool;
    private final Dispatcher dispatcher;
    private final HandlerCatalog catalog;
    private final ApiConfig config;
    private final ObjectMapper mapper;

    public TaskScheduleResource(Pool pool, Dispatcher dispatcher, HandlerCatalog catalog, ApiConfig config,
                                ObjectMapper mapper) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.catalog = catalog;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(NewScheduleBody body) {
        if (body == null) {
            throw new InvalidRequestException("body", "a JSON object is required");
        }
        return catalog.knowing(java.util.Collections.singletonList(body.taskName()))
                .map(known -> body.validate(dispatcher, known))
                .chain(schedule -> TaskScheduleStore.insert(pool, schedule).map(row -> {
                    TaskScheduleView view = TaskScheduleView.of(row.orElseThrow(() ->
                            new StateConflictException("a task schedule named '" + schedule.name() + "' exists already")));
                    return Response.created(URI.create(view.href())).entity(view).build();
                }));
    }

    @GET
    public Uni<Page<TaskScheduleView>> list(@Context UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        PageRequest.rejectUnknown(uri.getQueryParameters(), Set.of(), errors);
        PageRequest page = PageRequest.read(uri, config, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return TaskScheduleStore.count(pool).chain(count -> TaskScheduleStore.page(pool, page.limit(), page.offset())
                .map(rows -> page.page(count, rows.stream().map(TaskScheduleView::of).toList())));
    }

    @GET
    @Path("{id}")
    public Uni<TaskScheduleView> get(@PathParam("id") String id) {
        return find(parse(id));
    }

    /** The only change a schedule takes is {@code {"enabled": bool}}; the id is checked first. */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<TaskScheduleView> setEnabled(@PathParam("id") String id, String body) {
        UUID scheduleId = parse(id);
        return find(scheduleId).chain(() -> {
            JsonNode enabled = JsonBodies.object(body, mapper, Set.of("enabled")).get("enabled");
            if (enabled == null || !enabled.isBoolean()) {
                throw new InvalidRequestException("enabled", "must be true or false");
            }
            return TaskScheduleStore.setEnabled(pool, scheduleId, enabled.booleanValue());
        }).map(row -> TaskScheduleView.of(row.orElseThrow(() -> new NotFoundException("task schedule " + id))));
    }

    /** The built-in retention schedule follows the brigade.retention setting; it is not deleted by hand. */
    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        UUID scheduleId = parse(id);
        return TaskScheduleStore.deleteUnlessBuiltIn(pool, scheduleId).chain(deleted -> deleted
                ? Uni.createFrom().item(Response.noContent().build())
                : find(scheduleId).map(schedule -> {
                    throw new StateConflictException("task schedule " + TaskScheduleSql.RETENTION_SCHEDULE
                            + " is built in and follows the workers' brigade.retention: set brigade.retention=off"
                            + " (or 0) on the workers to turn it off (the schedule stays, disabled)");
                }));
    }

    private Uni<TaskScheduleView> find(UUID id) {
        return TaskScheduleStore.findById(pool, id)
                .map(row -> TaskScheduleView.of(row.orElseThrow(() -> new NotFoundException("task schedule " + id))));
    }

    private static UUID parse(String id) {
        return QueryValues.uuid(id).orElseThrow(() -> new NotFoundException("task schedule " + id));
    }
}
