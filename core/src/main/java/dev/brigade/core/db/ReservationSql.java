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

    /** Dispatch checks its own task at once: stamped unblocked when nothing earlier conflicts. $1 id. */
    public static final String UNBLOCK_IF_FREE = """
            UPDATE task SET unblocked_at = clock_timestamp()
            WHERE id = $1 AND state = 'waiting' AND unblocked_at IS NULL AND brigade_task_is_free(id)
            RETURNING id""";

    /** Only one unblocker at a time; the others skip (the winner loops until nothing is left). */
    public static final String TRY_UNBLOCKER_LOCK = "SELECT pg_try_advisory_xact_lock(1112688452, 1) AS acquired";

    /**
     * One unblock step: consume a batch of released resources and stamp the tasks they freed.
     * Candidates are the tasks that may have been waiting on exactly those resources: after a
     * shared row left, an exclusive row now at the head; after an exclusive row left, the next
     * exclusive row or the run of shared rows before it. Each candidate is then checked on all
     * its resources. Cost: index probes per released resource, never a scan of the queue.
     * $1 batch size. Returns the consumed count and the ids stamped.
     */
    public static final String UNBLOCK_RELEASED = """
            WITH released AS (
                DELETE FROM reservation_release
                WHERE id IN (SELECT id FROM reservation_release ORDER BY id LIMIT $1)
                RETURNING resource, exclusive),
            freed AS (
                SELECT resource, bool_or(exclusive) AS exclusive FROM released GROUP BY resource),
            head AS (
                SELECT f.resource, f.exclusive AS freed_exclusive, h.task_id, h.exclusive
                FROM freed f
                CROSS JOIN LATERAL (
                    SELECT r.task_id, r.exclusive FROM task_reservation r
                    WHERE r.resource = f.resource
                    ORDER BY r.task_created_at, r.task_id
                    LIMIT 1) h),
            candidate AS (
                SELECT task_id FROM head WHERE exclusive
                UNION
                SELECT r.task_id
                FROM head
                LEFT JOIN LATERAL (
                    SELECT x.task_created_at, x.task_id FROM task_reservation x
                    WHERE x.resource = head.resource AND x.exclusive
                    ORDER BY x.task_created_at, x.task_id
                    LIMIT 1) next_exclusive ON true
                JOIN task_reservation r ON r.resource = head.resource AND NOT r.exclusive
                WHERE head.freed_exclusive AND NOT head.exclusive
                  AND (next_exclusive.task_id IS NULL
                       OR (r.task_created_at, r.task_id) < (next_exclusive.task_created_at, next_exclusive.task_id))),
            stamped AS (
                UPDATE task SET unblocked_at = clock_timestamp()
                WHERE id IN (SELECT task_id FROM candidate)
                  AND state = 'waiting' AND unblocked_at IS NULL AND brigade_task_is_free(id)
                RETURNING id)
            SELECT (SELECT count(*) FROM released) AS consumed, (SELECT count(*) FROM stamped) AS stamped""";

    public static final String RELEASES_PENDING = "SELECT EXISTS (SELECT 1 FROM reservation_release) AS pending";

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
