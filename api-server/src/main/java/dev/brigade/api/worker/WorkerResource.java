package dev.brigade.api.worker;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.error.Problem;
import dev.brigade.api.paging.Page;
import dev.brigade.api.paging.PageRequest;
import dev.brigade.core.db.AppStatusListStore;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.NotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The workers (app_status rows of type worker). Read only: a worker leaves by stopping. */
@Path("/api/v1/workers")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class WorkerResource {
    static final String TYPE = "worker";

    private final Pool pool;
    private final ApiConfig config;

    public WorkerResource(Pool pool, ApiConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @GET
    public Uni<Page<WorkerView>> list(@Context UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        PageRequest.rejectUnknown(uri.getQueryParameters(), Set.of("online"), errors);
        PageRequest page = PageRequest.read(uri, config, errors);
        Boolean online = online(uri.getQueryParameters().getFirst("online"), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return AppStatusListStore.count(pool, TYPE, online)
                .chain(count -> AppStatusListStore.page(pool, TYPE, online, page.limit(), page.offset())
                        .map(rows -> page.page(count, rows.stream().map(WorkerView::of).toList())));
    }

    /** The first online worker of that name (names are pid@host, not unique across time). */
    @GET
    @Path("{name}")
    public Uni<WorkerView> get(@PathParam("name") String name) {
        return AppStatusListStore.firstOnline(pool, TYPE, name)
                .map(row -> WorkerView.of(row.orElseThrow(() -> new NotFoundException("online worker " + name))));
    }

    private static Boolean online(String raw, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        return switch (raw.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                errors.add(new FieldError("online", "must be true or false"));
                yield null;
            }
        };
    }
}
