package dev.brigade.core.db;

/** Statements on task_group beyond plain entity reads and writes: its counts and its cancel. */
public final class TaskGroupSql {
    private TaskGroupSql() {
    }

    /** A group with one count per task state. */
    private static final String WITH_COUNTS = """
            SELECT g.id, g.description, g.all_tasks_dispatched,
                   count(t.id) FILTER (WHERE t.state = 'waiting') AS waiting,
                   count(t.id) FILTER (WHERE t.state = 'skipped') AS skipped,
                   count(t.id) FILTER (WHERE t.state = 'running') AS running,
                   count(t.id) FILTER (WHERE t.state = 'completed') AS completed,
                   count(t.id) FILTER (WHERE t.state = 'canceled') AS canceled,
                   count(t.id) FILTER (WHERE t.state = 'failed') AS failed,
                   count(t.id) FILTER (WHERE t.state = 'canceling') AS canceling
            FROM task_group g LEFT JOIN task t ON t.task_group = g.id
            """;

    /** Newest first. $1 limit, $2 offset. */
    public static final String SELECT_PAGE = WITH_COUNTS
            + "GROUP BY g.id ORDER BY g.created_at DESC, g.id DESC LIMIT $1 OFFSET $2";

    public static final String COUNT = "SELECT count(*) AS count FROM task_group";

    /** $1 id. */
    public static final String SELECT_BY_ID = WITH_COUNTS + "WHERE g.id = $1 GROUP BY g.id";

    /** Which of the ids $1 are groups (a dispatch checks its groups before it writes). */
    public static final String SELECT_EXISTING_IDS = "SELECT id FROM task_group WHERE id = ANY ($1::uuid[])";

    /** Canceling a group closes it to new tasks in the caller's view. No row: no such group. $1 id. */
    public static final String MARK_ALL_DISPATCHED = """
            UPDATE task_group SET all_tasks_dispatched = true WHERE id = $1 RETURNING id""";

    /** The tasks a group cancel must cancel (canceling ones are on their way already). $1 group id. */
    public static final String SELECT_CANCELABLE_TASK_IDS = """
            SELECT id FROM task WHERE task_group = $1 AND state IN ('waiting', 'running')
            ORDER BY created_at, id""";
}
