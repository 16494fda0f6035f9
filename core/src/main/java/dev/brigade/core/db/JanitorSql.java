package dev.brigade.core.db;

/** Janitor duties: each done by one process at a time, no more often than its interval. */
public final class JanitorSql {
    private JanitorSql() {
    }

    /**
     * Takes a duty when it is due. The transaction-level advisory lock keeps two processes from
     * doing it at once; next_run keeps the fleet from doing it more often than the interval, so
     * the cost does not grow with the number of workers. $1 duty name, $2 interval, $3 lock id.
     */
    public static final String TAKE_DUE_DUTY = """
            UPDATE janitor_duty SET next_run = now() + make_interval(secs => $2::float8)
            WHERE name = $1 AND next_run <= now() AND pg_try_advisory_xact_lock(1112688452, $3)
            RETURNING name""";
}
