package dev.brigade.core.db;

/**
 * The listings of app_status the API serves (workers, status). Online means a heartbeat within the
 * process's own ttl, judged on the database clock. Rows of missing processes stay listed (offline)
 * until the janitor removes them.
 */
public final class AppStatusListSql {
    private AppStatusListSql() {
    }

    private static final String ONLINE = "(a.last_heartbeat >= now() - a.ttl)";

    /** A process's row as the API shows it, with the incomplete task it holds (the earliest started). */
    private static final String COLUMNS = """
            a.name, a.type, a.versions::text AS versions, a.last_heartbeat, %s AS online,
            (SELECT t.id FROM task t
             WHERE t.app_lock = a.id AND t.state IN ('waiting', 'running', 'canceling')
             ORDER BY t.started_at NULLS LAST, t.created_at, t.id LIMIT 1) AS current_task""".formatted(ONLINE);

    /** $1 type, $2 online (null: either). */
    private static final String MATCHING = " FROM app_status a WHERE a.type = $1 AND ($2::boolean IS NULL OR "
            + ONLINE + " = $2::boolean)";

    /** Processes of a type, oldest first. $1 type, $2 online (null: either), $3 limit, $4 offset. */
    public static final String SELECT_PAGE = "SELECT " + COLUMNS + MATCHING
            + " ORDER BY a.started_at, a.id LIMIT $3 OFFSET $4";

    /** $1 type, $2 online (null: either). */
    public static final String COUNT = "SELECT count(*) AS count" + MATCHING;

    /** The first online process of that type and name (names are not unique). $1 type, $2 name. */
    public static final String SELECT_FIRST_ONLINE_BY_NAME = "SELECT " + COLUMNS
            + " FROM app_status a WHERE a.type = $1 AND a.name = $2 AND " + ONLINE
            + " ORDER BY a.started_at, a.id LIMIT 1";
}
