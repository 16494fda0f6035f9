package dev.brigade.core.db;

/** Statements on task_schedule used to dispatch due schedules (the janitor duty). */
public final class TaskScheduleSql {
    private TaskScheduleSql() {
    }

    public static final String RETENTION_SCHEDULE = "brigade.retention";

    /**
     * Due, enabled schedules whose last task is final (or gone): a schedule never has two
     * incomplete tasks at once. Locked so two janitors never dispatch the same one. $1 batch.
     */
    public static final String SELECT_DUE_FOR_UPDATE = """
            SELECT s.id, s.name, s.task_name, s.args::text AS args
            FROM task_schedule s
            LEFT JOIN task last ON last.id = s.last_task
            WHERE s.enabled AND s.next_dispatch <= now()
              AND (last.id IS NULL OR last.state IN ('completed', 'failed', 'canceled', 'skipped'))
            ORDER BY s.next_dispatch
            LIMIT $1
            FOR UPDATE OF s SKIP LOCKED""";

    /**
     * Records the task and moves the schedule on: a one-shot schedule is done (next_dispatch
     * cleared); a recurring one advances to its first slot after now, so downtime causes at most
     * one dispatch, never a burst of catch-ups. $1 schedule id, $2 task id.
     */
    public static final String MARK_DISPATCHED = """
            UPDATE task_schedule
            SET last_task = $2,
                next_dispatch = CASE
                    WHEN dispatch_interval IS NULL THEN NULL
                    ELSE next_dispatch + dispatch_interval * (floor(extract(epoch FROM now() - next_dispatch)
                                                                   / extract(epoch FROM dispatch_interval)) + 1)
                END
            WHERE id = $1""";

    /** A schedule whose task can no longer be dispatched is switched off. $1 schedule id. */
    public static final String DISABLE = "UPDATE task_schedule SET enabled = false WHERE id = $1";

    /** Keeps the retention schedule in step with the setting: its age, or disabled. $1 args, $2 enabled. */
    public static final String SET_RETENTION = """
            UPDATE task_schedule SET args = $1::text::jsonb, enabled = $2
            WHERE name = 'brigade.retention' AND (args <> $1::text::jsonb OR enabled <> $2)""";
}
