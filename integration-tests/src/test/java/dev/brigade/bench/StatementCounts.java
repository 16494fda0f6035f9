package dev.brigade.bench;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;

/**
 * Claim statements and all statements the test database ran since the last {@link #reset}
 * (pg_stat_statements), over {@code seconds}. The benchmark's own statements are left out: those
 * on pg_stat views, and those marked with {@link #OWN}.
 */
record StatementCounts(double claims, double statements, double seconds) {
    /** Marks a benchmark's own sampling statement, left out of every count. */
    static final String OWN = "/* benchmark */";
    private static final String CLAIM = "WITH candidate AS%";
    private static final Duration WAIT = Duration.ofMinutes(1);

    static void reset(Pool pool) {
        pool.query("SELECT pg_stat_statements_reset()").execute().await().atMost(WAIT);
    }

    static StatementCounts since(Pool pool, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Row row = pool.preparedQuery("""
                        SELECT coalesce(sum(calls) FILTER (WHERE query LIKE $1), 0) AS claims,
                               coalesce(sum(calls), 0) AS statements
                        FROM pg_stat_statements
                        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                          AND query NOT ILIKE '%pg_stat%' AND query NOT LIKE $2""")
                .execute(Tuple.of(CLAIM, "%" + OWN + "%")).await().atMost(WAIT).iterator().next();
        return new StatementCounts(row.getDouble("claims"), row.getDouble("statements"), seconds);
    }

    /** Resets, runs {@code work}, and counts what it cost. */
    static StatementCounts over(Pool pool, Runnable work) {
        reset(pool);
        long start = System.nanoTime();
        work.run();
        return since(pool, start);
    }

    double claimRate() {
        return claims / seconds;
    }

    double statementRate() {
        return statements / seconds;
    }
}
