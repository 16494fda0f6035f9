package dev.brigade.core.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
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

    private ConflictRetry() {
    }

    /** {@code work} in a transaction of its own, run again (whole) while it fails with a conflict. */
    public static <T> Uni<T> inTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return attempt(pool, work, 1);
    }

    public static boolean isConflict(Throwable failure) {
        return failure instanceof PgException pg
                && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }

    private static <T> Uni<T> attempt(Pool pool, Function<SqlConnection, Uni<T>> work, int attempt) {
        return pool.withTransaction(work).onFailure(ConflictRetry::isConflict).recoverWithUni(failure ->
                attempt >= ATTEMPTS
                        ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().voidItem().onItem().delayIt().by(pause(attempt))
                                .chain(() -> attempt(pool, work, attempt + 1)));
    }

    /** 5-20 ms, doubling: the two sides of a cycle then seldom meet again at once. */
    private static Duration pause(int attempt) {
        long base = 5L << (attempt - 1);
        return Duration.ofMillis(base + ThreadLocalRandom.current().nextLong(3 * base + 1));
    }
}
