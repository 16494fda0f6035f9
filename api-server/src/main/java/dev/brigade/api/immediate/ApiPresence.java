package dev.brigade.api.immediate;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.core.db.AdvertisedHandlerStore;
import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.Json;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.process.ProcessName;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.UUID;

/**
 * This api-server's app_status row (type api): the status endpoint lists it, and it is the
 * app_lock of the immediate tasks running here, so if this process dies the janitor frees them.
 * Registered at start, refreshed every ttl/3, re-registered if a janitor reaped it (say after a
 * long pause), deleted on a clean exit.
 */
@ApplicationScoped
public class ApiPresence {
    private static final Logger LOG = Logger.getLogger(ApiPresence.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final UUID id = UUID.randomUUID();
    private final String name = ProcessName.current();
    private final Pool pool;
    private final Vertx vertx;
    private final RunningHandlers running;
    private final Duration ttl;
    private long timer = -1;

    public ApiPresence(Pool pool, Vertx vertx, RunningHandlers running, ApiConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.running = running;
        this.ttl = config.presence().ttl();
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    void onStart(@Observes StartupEvent event) {
        register().await().atMost(WRITE_TIMEOUT);
        timer = vertx.setPeriodic(Math.max(1, ttl.dividedBy(3).toMillis()), ignored -> beat());
        LOG.infof("api-server %s registered as %s", name, id);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (!mayDeregister()) {
            LOG.warnf("api-server %s stops while %d immediate handler(s) still run: its row is"
                    + " left to expire after %s, so their reservations are released only once this process is gone",
                    name, running.running(), ttl);
            return;
        }
        // The database may already be gone (an embedded one stops in its own shutdown hook): then
        // the row simply expires after its ttl, which is all a deregistration hastens.
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(id))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.infof("api-server %s not deregistered (%s); its row expires after %s", name, failure.getMessage(), ttl);
                    return null;
                })
                .await().atMost(WRITE_TIMEOUT);
    }

    /** False while an immediate handler runs here (its task, and any reservations kept, are held under this row). */
    public boolean mayDeregister() {
        return running.running() == 0;
    }

    private Uni<Void> register() {
        return pool.preparedQuery(AppStatusSql.REGISTER)
                // advertises nothing: dispatch here knows this process's own handlers without a row
                .execute(Tuple.of(id, name, "api", Json.write(BrigadeVersion.components()), TaskStore.seconds(ttl),
                        AdvertisedHandlerStore.NONE))
                .replaceWithVoid();
    }

    private void beat() {
        pool.preparedQuery(AppStatusSql.HEARTBEAT).execute(Tuple.of(id))
                .chain(rows -> rows.rowCount() == 0 ? reRegister() : Uni.createFrom().voidItem())
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf("api-server heartbeat failed: %s", failure.getMessage()));
    }

    private Uni<Void> reRegister() {
        LOG.warnf("api-server %s was judged missing (no heartbeat within %s); registering again", name, ttl);
        return register();
    }
}
