package dev.brigade.core.db;

/**
 * The statements that decide when a task may start. The reservation rows
 * ({@code task_reservation}) are the per-resource FIFO queues; see docs/reservations.md.
 */
public final class ReservationSql {
    private ReservationSql() {
    }

    /**
     * Takes the transaction-level advisory locks of a task's resources in one global order,
     * exclusive for exclusive rows and shared for shared rows. Dispatch and completion both do,
     * so conflicting tasks are numbered and committed in the same order. $1 resources, $2 flags.
     */
    public static final String LOCK_RESOURCES = "SELECT brigade_lock_resources($1::text[], $2::boolean[])";

    /**
     * One unblock step in one call (see migration V3, brigade_unblock_step): when releases are
     * pending, try the unblocker's lock (one process at a time; the others skip) and turn up to
     * $1 released resources into unblocked tasks. Candidates are the tasks that may have been
     * waiting on exactly those resources: after a shared row left, an exclusive row now at the
     * head; after an exclusive row left, the next exclusive row or the run of shared rows before
     * it; each candidate is checked on all its resources. Cost: index probes per released
     * resource, never a scan of the queue. $2/$3 the handle notification when it stamped any.
     * Returns acquired (true also when nothing was pending), consumed, stamped.
     */
    public static final String UNBLOCK_STEP = """
            SELECT acquired, consumed, stamped FROM brigade_unblock_step($1, $2, $3)""";

    /**
     * Final tasks that still hold reservation rows: left by a worker that recorded its tasks
     * final and exited at once (cancel escalation, forced shutdown) so its handlers could not
     * outlive the lock. Swept once that worker's row is gone (app_lock null). $1 batch.
     */
    public static final String SELECT_FINAL_WITH_RESERVATIONS = """
            SELECT DISTINCT t.id, t.reserved_resources, t.domain
            FROM task_reservation r JOIN task t ON t.id = r.task_id
            WHERE t.state IN ('completed', 'failed', 'canceled', 'skipped') AND t.app_lock IS NULL
            LIMIT $1""";

    /** Releases the rows of one final task (caller holds its resource locks). $1 id. */
    public static final String RELEASE_FINAL = """
            WITH released AS (
                DELETE FROM task_reservation r USING task t
                WHERE r.task_id = $1 AND t.id = r.task_id
                  AND t.state IN ('completed', 'failed', 'canceled', 'skipped') AND t.app_lock IS NULL
                RETURNING r.resource, r.exclusive)
            INSERT INTO reservation_release (resource, exclusive) SELECT resource, exclusive FROM released""";
}
