package dev.brigade.worker.heartbeat;

import dev.brigade.core.db.AdvertisedHandlerStore;
import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.Json;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.db.WorkerDues;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.janitor.JanitorDuties;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The worker's app_status row: registered at start, refreshed every ttl/3, deleted on a clean
 * exit. Liveness is judged by the database clock, so host clocks never matter. The refresh also
 * asks what is due for the worker (WorkerDues): an idle worker sends nothing else. The row
 * advertises the handler names this worker runs, written once at registration (they do not
 * change while it runs), so the api-server accepts dispatches of them without their code.
 */
@ApplicationScoped
public class HeartbeatWriter {
    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskHandlers handlers;
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(1);

    private final Duration ttl;
    private final List<String> duties;
    private volatile long lastSuccessNanos = 0;

    public HeartbeatWriter(Pool pool, WorkerIdentity identity, TaskHandlers handlers, WorkerConfig config) {
        this.pool = pool;
        this.identity = identity;
        this.handlers = handlers;
        this.ttl = config.ttl();
        this.duties = JanitorDuties.askedBy(config.auxiliary());
    }

    public void register() {
        Db.await(pool.preparedQuery(AppStatusSql.REGISTER).execute(Tuple.of(identity.id(), identity.name(), "worker",
                Json.write(identity.versions()), TaskStore.seconds(ttl), AdvertisedHandlerStore.encode(handlers.all()))));
        lastSuccessNanos = System.nanoTime();
    }

    /**
     * Refreshes the row and reads what is due for this worker, in one statement; {@code alive}
     * false: the row is gone, the janitor judged this process missing and gave its tasks away.
     * Throws when the database cannot be reached.
     */
    public WorkerDues beat() {
        // bounded by the beat interval: a hung link must not hold the beat past the watchdog
        WorkerDues dues = Db.await(WorkerDues.beat(pool, identity.id(), duties, handlers.names()), interval());
        if (dues.alive()) {
            lastSuccessNanos = System.nanoTime();
        }
        return dues;
    }

    public void deregister() {
        Db.await(pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(identity.id())));
    }

    public Duration interval() {
        return ttl.dividedBy(3);
    }

    /** After a failed beat: soon, so that a short outage costs the heartbeat seconds, not an interval. */
    public Duration retryDelay() {
        return interval().compareTo(MAX_RETRY_DELAY) < 0 ? interval() : MAX_RETRY_DELAY;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Fresh: the last successful write is younger than the ttl (by this host's monotonic clock). */
    public boolean fresh() {
        return lastSuccessNanos != 0 && System.nanoTime() - lastSuccessNanos < ttl.toNanos();
    }

    public Duration sinceLastSuccess() {
        return Duration.ofNanos(System.nanoTime() - lastSuccessNanos);
    }
}
