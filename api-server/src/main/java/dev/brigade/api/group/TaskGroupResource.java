package dev.brigade.api.group;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.error.Problem;
import dev.brigade.api.http.CancelBody;
import dev.brigade.api.paging.Page;
import dev.brigade.api.paging.PageRequest;
import dev.brigade.api.query.QueryValues;
import dev.brigade.core.db.TaskGroupStore;
import dev.brigade.core.entity.TaskGroupEntity;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.db.StorableText;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.NotFoundException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
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

/** Task groups: create, read with per-state counts, cancel every incomplete task of one. */
@Path(TaskGroupView.PATH)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class TaskGroupResource {
    /** The body of POST /api/v1/task-groups. */
    public record NewGroupBody(String description) {
    }

    private final Pool pool;
    private final TaskGroupCancel cancel;
    private final ApiConfig config;
    private final ObjectMapper mapper;

    public TaskGroupResource(Pool pool, TaskGroupCancel cancel, ApiConfig config, ObjectMapper mapper) {
        this.pool = pool;
        this.cancel = cancel;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(NewGroupBody body) {
        if (body != null && StorableText.hasNul(body.description())) {
            throw new InvalidRequestException("description", StorableText.NUL_RULE);
        }
        TaskGroupEntity group = new TaskGroupEntity();
        group.id = UUID.randomUUID();
        group.description = body == null || body.description() == null ? "" : body.description();
        return Panache.withTransaction(group::persist)
                .chain(() -> find(group.id))
                .map(view -> Response.created(URI.create(view.href())).entity(view).build());
    }

    @GET
    public Uni<Page<TaskGroupView>> list(@Context UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        PageRequest.rejectUnknown(uri.getQueryParameters(), Set.of(), errors);
        PageRequest page = PageRequest.read(uri, config, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return TaskGroupStore.count(pool).chain(count -> TaskGroupStore.page(pool, page.limit(), page.offset())
                .map(groups -> page.page(count, groups.stream().map(TaskGroupView::of).toList())));
    }

    @GET
    @Path("{id}")
    public Uni<TaskGroupView> get(@PathParam("id") String id) {
        return find(parse(id));
    }

    /** Cancels every incomplete task of the group and marks it all dispatched. */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<TaskGroupView> cancel(@PathParam("id") String id, String body) {
        UUID groupId = parse(id);
        return find(groupId)
                .invoke(() -> CancelBody.check(body, mapper))
                .chain(() -> cancel.cancel(groupId))
                .chain(() -> find(groupId));
    }

    private Uni<TaskGroupView> find(UUID id) {
        return TaskGroupStore.findById(pool, id)
                .map(group -> TaskGroupView.of(group.orElseThrow(() -> new NotFoundException("task group " + id))));
    }

    private static UUID parse(String id) {
        return QueryValues.uuid(id).orElseThrow(() -> new NotFoundException("task group " + id));
    }
}
