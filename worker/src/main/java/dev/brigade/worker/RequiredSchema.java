package dev.brigade.worker;

import dev.brigade.core.db.SchemaSql;
import dev.brigade.core.db.SchemaVersion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The schema version this worker needs ({@link SchemaVersion#REQUIRED}). The api-server applies
 * the migrations; a worker holds no Flyway, no JDBC and no session lock, it asks with one query
 * through the pooler and waits (not ready) until the version is there. A rollout of a thousand
 * workers so costs a thousand small queries, not a thousand migration sessions.
 */
@ApplicationScoped
public class RequiredSchema {
    private static final Logger LOG = Logger.getLogger(RequiredSchema.class);
    private static final String UNDEFINED_TABLE = "42P01";
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private final Pool pool;
    private volatile boolean present;

    public RequiredSchema(Pool pool) {
        this.pool = pool;
    }

    /** Whether the required version was seen applied (it stays applied: migrations are never undone). */
    public boolean present() {
        return present;
    }

    /** Asks once: the version is applied; false when it is not, or when there is no Brigade schema at all yet. */
    boolean check() {
        try {
            boolean applied = Db.await(pool.preparedQuery(SchemaSql.MIGRATION_APPLIED)
                    .execute(Tuple.of(SchemaVersion.REQUIRED)), Duration.ofSeconds(10))
                    .iterator().next().getBoolean("applied");
            present = applied;
            return applied;
        } catch (PgException e) {
            if (UNDEFINED_TABLE.equals(e.getSqlState())) {
                return false; // a database nobody has migrated yet: the api-server has not started
            }
            throw e;
        }
    }

    /**
     * Asks until the version is there, pausing longer each time (with jitter, so that a fleet
     * started together does not ask in step); false when {@code stopping} says to give up first.
     * A database that does not answer is waited for like a missing migration: the worker is not
     * ready either way, and says why in its log.
     */
    boolean awaitPresent(BooleanSupplier stopping) {
        Duration pause = FIRST_PAUSE;
        long lastLog = System.nanoTime() - LOG_EVERY.toNanos();
        while (!stopping.getAsBoolean()) {
            String why;
            try {
                if (check()) {
                    return true;
                }
                why = "schema version " + SchemaVersion.REQUIRED + " is not applied yet (the api-server applies it at start)";
            } catch (RuntimeException e) {
                why = "cannot read the schema version (" + e.getMessage() + ")";
            }
            if (System.nanoTime() - lastLog >= LOG_EVERY.toNanos()) {
                LOG.warnf("waiting before starting: %s", why);
                lastLog = System.nanoTime();
            }
            long jittered = pause.toMillis() / 2 + ThreadLocalRandom.current().nextLong(pause.toMillis() / 2 + 1);
            try {
                Thread.sleep(jittered);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
        return false;
    }
}
