package dev.brigade.core.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

import java.time.Duration;
import java.util.function.Function;

/**
 * A transaction PostgreSQL aborted to break a lock cycle (40P01, deadlock detected) or a
 * serialization failure (40001) changed nothing and may simply be run again: the transactions
 * that can meet one (a group cancel beside the unblocker's multi-row update, a cancel beside the
 * completer's batch) run through here, a few times with a short random pause, before the failure is
 * passed on (the API answers it 503 with Retry-After, never 500).
 */
public final class ConflictRetry {
    /** Attempts in all, the first included. */
    public static final int ATTEMPTS = 5;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(5);
    private static final Duration MAX_PAUSE = Duration.ofMillis(80);

    private ConflictRetry() {
    }

    /** {@code work} in a transaction of its own, run again (whole) while it fails with a conflict. */
    public static <T> Uni<T> inTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        // 5 ms doubling, with jitter: the two sides of a cycle then seldom meet again at once
        return Uni.createFrom().deferred(() -> pool.withTransaction(work))
                .onFailure(ConflictRetry::isConflict).retry()
                .withBackOff(FIRST_PAUSE, MAX_PAUSE).withJitter(0.5)
                .atMost(ATTEMPTS - 1);
    }

    public static boolean isConflict(Throwable failure) {
        return failure instanceof PgException pg
                && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
