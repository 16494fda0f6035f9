package dev.brigade.api.status;

import dev.brigade.api.error.Problem;
import dev.brigade.core.db.StatusStore;
import dev.brigade.core.process.BrigadeVersion;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The status of the system. It answers even when the database does not (connected false, no
 * figures): telling that is its job, so every failure of the reads lands there, logged.
 */
@Path("/api/v1/status")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class StatusResource {
    private static final Logger LOG = Logger.getLogger(StatusResource.class);
    static final String WORKER = "worker";
    static final String API = "api";

    private final Pool pool;

    public StatusResource(Pool pool) {
        this.pool = pool;
    }

    @GET
    public Uni<StatusView> status() {
        return Uni.combine().all()
                .unis(StatusStore.online(pool, WORKER), StatusStore.online(pool, API), StatusStore.queueFigures(pool))
                .with((workers, apis, figures) -> new StatusView(BrigadeVersion.components(),
                        workers.stream().map(StatusView.ProcessView::of).toList(),
                        apis.stream().map(StatusView.ProcessView::of).toList(),
                        new StatusView.DatabaseView(true), StatusView.TasksView.of(figures)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("status: the database does not answer (%s)", failure.getMessage());
                    return new StatusView(BrigadeVersion.components(), List.of(), List.of(),
                            new StatusView.DatabaseView(false), null);
                });
    }
}
