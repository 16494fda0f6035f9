package dev.brigade.api.handler;

import dev.brigade.core.db.AdvertisedHandlerStore;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.handler.TaskHandlers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every handler name a dispatch here accepts, with where it comes from: built from one read of
 * the live workers' advertisements, merged with {@link KnownHandlers}' own rule, so the listing
 * and dispatch never disagree about a name or about {@code may_run_immediately}.
 */
@ApplicationScoped
public class HandlerListing {
    private final Pool pool;
    private final TaskHandlers own;
    private final HandlerCatalog catalog;

    public HandlerListing(Pool pool, TaskHandlers own, HandlerCatalog catalog) {
        this.pool = pool;
        this.own = own;
        this.catalog = catalog;
    }

    /** All of them, by name. */
    public Uni<List<HandlerView>> all() {
        return AdvertisedHandlerStore.byWorker(pool).map(this::merge);
    }

    private List<HandlerView> merge(List<AdvertisedHandlerStore.WorkerHandler> pairs) {
        Map<String, List<HandlerView.WorkerEntry>> workers = new HashMap<>();
        Map<String, Boolean> advertised = new HashMap<>();
        for (AdvertisedHandlerStore.WorkerHandler pair : pairs) {
            workers.computeIfAbsent(pair.name(), name -> new ArrayList<>())
                    .add(new HandlerView.WorkerEntry(pair.worker(), pair.mayRunImmediately()));
            advertised.merge(pair.name(), pair.mayRunImmediately(), Boolean::logicalAnd);
        }
        KnownHandlers known = KnownHandlers.of(own, catalog.configured(), advertised);
        List<HandlerView> views = new ArrayList<>();
        for (String name : known.names()) {
            views.add(new HandlerView(name, known.mayRunImmediately(name), own.find(name).isPresent(),
                    catalog.configured().contains(name), workers.getOrDefault(name, List.of())));
        }
        return views;
    }
}
