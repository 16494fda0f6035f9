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
     * One batch of the sweep (migration V6, brigade_sweep_kept_reservations): up to $1 final tasks
     * whose reservation rows were kept (a halted worker's, TaskSql.FINISH_ALL_BEFORE_EXIT) and
     * whose process is gone (app_lock null), found through the partial index
     * task_reservations_kept; their resource locks, the rows deleted, a release recorded where it
     * can free a task. Any janitor run whose heartbeat found some does it (WorkerDues
     * keptReservations), so a reap whose own sweep never ran leaves nothing behind for good.
     * $2/$3 the unblock notification. Returns how many tasks were swept.
     */
    public static final String SWEEP_KEPT_RESERVATIONS = """
            SELECT brigade_sweep_kept_reservations($1, $2, $3) AS swept""";
}
