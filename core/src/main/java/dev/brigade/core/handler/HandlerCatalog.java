package dev.brigade.core.handler;

import dev.brigade.core.config.HandlersConfig;
import dev.brigade.core.db.AdvertisedHandlerStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which handler names this process accepts in a dispatch (see {@link KnownHandlers}): its own,
 * the configured ones, and those live workers advertise.
 *
 * <p>The advertised names are kept for a short while ({@code brigade.handlers.advertised-ttl})
 * instead of being read on every dispatch: a dispatch is one round trip, and reading app_status
 * each time would double it. A name not among them is read again at once (a miss costs one query
 * more, and a worker's names are accepted as soon as it has registered). What the short trust
 * can get wrong is mild: a name whose last worker left a moment ago is still accepted, and its
 * task waits for a worker that runs it, as a task of a configured name does.
 */
@ApplicationScoped
public class HandlerCatalog {
    private final Pool pool;
    private final TaskHandlers own;
    private final Set<String> configured;
    private final long advertisedTtlNanos;
    /** Own and configured names only: what is known without reading the database. */
    private final KnownHandlers withoutAdvertised;
    private volatile Read lastRead = null;

    /** The advertised names as last read, merged with the rest, and when they were read. */
    private record Read(KnownHandlers known, long atNanos) {
    }

    @Inject
    public HandlerCatalog(Pool pool, TaskHandlers own, HandlersConfig config) {
        this(pool, own, config.known().orElse(Set.of()), config.advertisedTtl());
    }

    public HandlerCatalog(Pool pool, TaskHandlers own, Set<String> configured, Duration advertisedTtl) {
        this.pool = pool;
        this.own = own;
        this.configured = Set.copyOf(configured);
        this.advertisedTtlNanos = advertisedTtl.toNanos();
        this.withoutAdvertised = KnownHandlers.of(own, this.configured, Map.of());
    }

    /**
     * What is known, sure to be read fresh from app_status for any of {@code names} the last read
     * did not have (missing and blank names are the dispatcher's to refuse, not a reason to read):
     * no query when all of them are known already.
     */
    public Uni<KnownHandlers> knowing(Collection<String> names) {
        return knowing(pool, names);
    }

    /** As {@link #knowing(Collection)}, reading (when it must) on the caller's client. */
    public Uni<KnownHandlers> knowing(SqlClient client, Collection<String> names) {
        KnownHandlers known = current();
        if (names.stream().filter(name -> name != null && !name.isBlank()).allMatch(known::knows)) {
            return Uni.createFrom().item(known);
        }
        return refresh(client);
    }

    /** Reads the advertised names now (one query). */
    public Uni<KnownHandlers> refresh() {
        return refresh(pool);
    }

    private Uni<KnownHandlers> refresh(SqlClient client) {
        return AdvertisedHandlerStore.advertised(client).map(advertised -> {
            KnownHandlers known = KnownHandlers.of(own, configured, advertised);
            lastRead = new Read(known, System.nanoTime());
            return known;
        });
    }

    /** The names configured as known ({@code brigade.handlers.known}). */
    public Set<String> configured() {
        return configured;
    }

    private KnownHandlers current() {
        Read read = lastRead;
        return read != null && System.nanoTime() - read.atNanos() < advertisedTtlNanos ? read.known() : withoutAdvertised;
    }
}
