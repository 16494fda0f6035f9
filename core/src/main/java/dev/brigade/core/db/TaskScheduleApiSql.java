package dev.brigade.core.db;

/**
 * The statements behind the task schedule endpoints (creation, listing, switching on and off,
 * deletion); dispatching due schedules is TaskScheduleSql. Intervals travel as seconds.
 */
public final class TaskScheduleApiSql {
    private TaskScheduleApiSql() {
    }

    private static final String COLUMNS = """
            id, name, task_name, extract(epoch FROM dispatch_interval)::float8 AS dispatch_interval_seconds,
            next_dispatch, enabled, last_task""";

    /**
     * No row when the name is taken (ON CONFLICT DO NOTHING keeps it one statement and race-free).
     * $1 id, $2 name, $3 task name, $4 args, $5 interval seconds (null: one shot), $6 next dispatch, $7 enabled.
     */
    public static final String INSERT = """
            INSERT INTO task_schedule (id, name, task_name, args, dispatch_interval, next_dispatch, enabled)
            VALUES ($1, $2, $3, $4::text::jsonb,
                    CASE WHEN $5::float8 IS NULL THEN NULL ELSE make_interval(secs => $5::float8) END, $6, $7)
            ON CONFLICT (name) DO NOTHING
            RETURNING\s""" + COLUMNS;

    /** Oldest first. $1 limit, $2 offset. */
    public static final String SELECT_PAGE = "SELECT " + COLUMNS
            + " FROM task_schedule ORDER BY created_at, id LIMIT $1 OFFSET $2";

    public static final String COUNT = "SELECT count(*) AS count FROM task_schedule";

    /** $1 id. */
    public static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM task_schedule WHERE id = $1";

    /** $1 id, $2 enabled. */
    public static final String SET_ENABLED = "UPDATE task_schedule SET enabled = $2 WHERE id = $1 RETURNING " + COLUMNS;

    /** Deletes a schedule unless it is the built-in one (no row then, or when missing). $1 id, $2 built-in name. */
    public static final String DELETE_UNLESS_BUILT_IN = """
            DELETE FROM task_schedule WHERE id = $1 AND name <> $2 RETURNING id""";
}
