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

    /**
     * Moves every waiting or running task of a group to canceling (canceling ones are on their
     * way already) in one statement, locking them in id order first: the unblocker's multi-row
     * UPDATE (brigade_unblock_step, {@code id = ANY} through the primary key) locks in ascending
     * id too, so the two never hold each other's next row; one by one in creation order they did,
     * and PostgreSQL aborted one side (40P01). Other lockers (the completer's batch joins its own
     * order) can still meet it: the caller retries (ConflictRetry). A row changed before its lock is checked
     * again against the condition (a task finished meanwhile is left alone). Returns each task
     * moved and its holder (null when no process holds it). $1 group id.
     */
    public static final String CANCEL_TASKS = """
            WITH doomed AS (
                SELECT id FROM task
                WHERE task_group = $1 AND state IN ('waiting', 'running')
                ORDER BY id
                FOR UPDATE)
            UPDATE task
            SET state = 'canceling', unblocked_at = coalesce(task.unblocked_at, clock_timestamp())
            FROM doomed
            WHERE task.id = doomed.id AND task.state IN ('waiting', 'running')
            RETURNING task.id, task.app_lock""";
}
