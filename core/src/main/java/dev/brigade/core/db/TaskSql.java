package dev.brigade.core.db;

/**
 * Every statement on the task table. Parameters are positional ($n) and bound by the caller;
 * no value is ever spliced into the text. Each state change is conditional on the state it leaves
 * and, where a process holds the task, on {@code app_lock}; callers check the row count.
 */
public final class TaskSql {
    private TaskSql() {
    }

    /** What the API shows: every column but args (never shown, and up to 1 MiB each). */
    static final String COLUMNS = """
            task.id, task.name, task.state, NULL::text AS args, task.result::text AS result,
            task.error::text AS error, task.logging_cid, task.created_at, task.unblocked_at,
            task.started_at, task.finished_at, task.reserved_resources, task.immediate,
            task.deferred, task.domain, task.parent_task, task.task_group,
            task.versions::text AS versions, task.app_lock, task.worker""";

    /** What a runner reads: the same columns with the args. */
    static final String COLUMNS_WITH_ARGS = COLUMNS.replace("NULL::text AS args", "task.args::text AS args");

    /**
     * Inserts the task and its reservation rows. created_at comes from clock_timestamp() here,
     * after the caller took the advisory locks of the task's resources in this transaction.
     * $1 id, $2 name, $3 args, $4 logging_cid, $5 reserved_resources (encoded), $6 immediate,
     * $7 deferred, $8 domain, $9 parent_task, $10 task_group, $11 versions,
     * $12 resources, $13 exclusive flags (parallel arrays).
     */
    public static final String INSERT = """
            WITH inserted AS (
                INSERT INTO task (id, name, args, logging_cid, reserved_resources, immediate, deferred,
                                  domain, parent_task, task_group, versions, created_at)
                VALUES ($1, $2, $3::text::jsonb, $4, $5::text[], $6, $7, $8, $9, $10, $11::text::jsonb, clock_timestamp())
                RETURNING id, created_at),
            reservations AS (
                INSERT INTO task_reservation (resource, task_created_at, task_id, exclusive)
                SELECT r.resource, inserted.created_at, inserted.id, r.exclusive
                FROM inserted, unnest($12::text[], $13::boolean[]) AS r(resource, exclusive))
            SELECT id, created_at FROM inserted""";

    public static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM task WHERE id = $1";

    public static final String SELECT_BY_ID_WITH_ARGS = "SELECT " + COLUMNS_WITH_ARGS + " FROM task WHERE id = $1";

    public static final String SELECT_CHILD_IDS = """
            SELECT id FROM task WHERE parent_task = $1 ORDER BY created_at, id""";

    /**
     * The claim, one statement: lock the first claimable task (immediate first, then FIFO) that
     * no other worker has locked, and take it. SKIP LOCKED keeps workers off each other's rows
     * without waiting, and the whole test sits in one query level, so a row another worker
     * claimed (or even finished) and committed meanwhile is re-checked against all of it under
     * the row lock. The walk follows the claimable partial index, so its cost does not grow with
     * the queue. (A random spread over a window of candidates, as DESIGN.md suggests, made the
     * planner join the window against every claimable row: 130 ms per claim at 2k tasks.)
     * A worker never runs a task that asks for newer components than it has, but may finish the
     * cancel of any task. The worker's name is recorded unless the task already ran (then the
     * name of the process that ran it stays, to say which one went missing).
     * $1 app_lock (me), $2 my name, $3 my versions.
     */
    public static final String CLAIM_NEXT = """
            WITH candidate AS (
                SELECT id
                FROM task
                WHERE state IN ('waiting', 'running', 'canceling')
                  AND unblocked_at IS NOT NULL
                  AND app_lock IS NULL
                  AND (state = 'canceling' OR brigade_versions_satisfied(versions, $3::text::jsonb))
                ORDER BY immediate DESC, created_at, id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE task
            SET app_lock = $1,
                worker = CASE WHEN task.started_at IS NULL THEN $2 ELSE task.worker END
            FROM candidate
            WHERE task.id = candidate.id
            RETURNING\s""" + COLUMNS_WITH_ARGS;

    /**
     * waiting → running, by the holder. Idempotent for the holder (a retry after a lost reply
     * finds its own earlier write): only a task claimed while waiting is ever set running.
     * $1 id, $2 app_lock (me).
     */
    public static final String SET_RUNNING = """
            UPDATE task SET state = 'running', started_at = coalesce(started_at, clock_timestamp())
            WHERE id = $1 AND app_lock = $2 AND state IN ('waiting', 'running')
            RETURNING started_at""";

    /** The incomplete tasks a process holds, to find claims whose reply it never got. $1 app_lock. */
    public static final String SELECT_HELD_BY = """
            SELECT id FROM task WHERE app_lock = $1 AND state IN ('waiting', 'running', 'canceling')""";

    /**
     * Lets go of a task this process holds but does not run (the reply of its claim was lost):
     * another worker claims it, and finishes it as failed if it had already started. $1 id, $2 me.
     */
    public static final String RELEASE_HELD = """
            UPDATE task SET app_lock = NULL
            WHERE id = $1 AND app_lock = $2 AND state IN ('waiting', 'running', 'canceling')""";

    /**
     * Finishes a task held by me and releases its resources in one statement: the reservation
     * rows go, the released resources are recorded for the unblocker, progress reports still
     * open take the final state, and the lock is released. If the task was moved to canceling
     * meanwhile, the canceling outcome applies instead. The caller holds the advisory locks of
     * the task's resources (see ReservationSql.LOCK_RESOURCES).
     * $1 id, $2 app_lock (me), $3 final state, $4 final state if canceling, $5 result,
     * $6 error, $7 error if canceling. Returns the state written (no row: lost the task).
     */
    public static final String FINISH = """
            WITH finished AS (
                UPDATE task
                SET state = CASE WHEN state = 'canceling' THEN $4 ELSE $3 END,
                    result = CASE WHEN state = 'canceling' THEN NULL ELSE $5::text::jsonb END,
                    error = CASE WHEN state = 'canceling' THEN $7::text::jsonb ELSE $6::text::jsonb END,
                    finished_at = clock_timestamp(),
                    app_lock = NULL
                WHERE id = $1 AND app_lock = $2 AND state IN ('waiting', 'running', 'canceling')
                RETURNING id, state, finished_at),
            released AS (
                DELETE FROM task_reservation WHERE task_id IN (SELECT id FROM finished)
                RETURNING resource, exclusive),
            recorded AS (
                INSERT INTO reservation_release (resource, exclusive)
                SELECT resource, exclusive FROM released),
            reports AS (
                UPDATE progress_report SET state = finished.state
                FROM finished
                WHERE progress_report.task = finished.id AND progress_report.state IN ('waiting', 'running'))
            SELECT state, finished_at FROM finished""";

    /**
     * A worker about to exit at once (a handler ignored its cancel, or shutdown ran out of grace)
     * records every task it holds final but keeps app_lock and the reservation rows: the
     * resources stay taken until the janitor has removed this process's row, after it is gone,
     * so no handler outlives its reservation. Canceling tasks end canceled, the others failed.
     * $1 app_lock (me), $2 error for the failed ones. Returns the ids and states written.
     */
    public static final String FINISH_ALL_BEFORE_EXIT = """
            WITH finished AS (
                UPDATE task
                SET state = CASE WHEN state = 'canceling' THEN 'canceled' ELSE 'failed' END,
                    error = CASE WHEN state = 'canceling' THEN NULL ELSE $2::text::jsonb END,
                    finished_at = clock_timestamp()
                WHERE app_lock = $1 AND state IN ('waiting', 'running', 'canceling')
                RETURNING id, state),
            reports AS (
                UPDATE progress_report SET state = finished.state
                FROM finished
                WHERE progress_report.task = finished.id AND progress_report.state IN ('waiting', 'running'))
            SELECT id, state FROM finished""";

    /**
     * Any process may ask for a cancel: waiting or running → canceling. The task is stamped
     * unblocked so that, when nobody holds it, a worker claims it and finishes it as canceled.
     * Returns the holder (null when nobody holds it). $1 id.
     */
    public static final String REQUEST_CANCEL = """
            UPDATE task
            SET state = 'canceling', unblocked_at = coalesce(unblocked_at, clock_timestamp())
            WHERE id = $1 AND state IN ('waiting', 'running')
            RETURNING app_lock""";

    /** Ids of my tasks that someone asked to cancel (the poll behind the cancel signal). $1 app_lock (me). */
    public static final String SELECT_CANCELING_HELD_BY = """
            SELECT id FROM task WHERE app_lock = $1 AND state = 'canceling'""";

    /** Whether any task still waits to start or to be finished as canceled (burst mode drains until none). */
    public static final String ANY_WAITING = """
            SELECT EXISTS (SELECT 1 FROM task WHERE state IN ('waiting', 'canceling')) AS waiting""";

    /** Deletes a final task; no row when it is missing or incomplete. $1 id. */
    public static final String DELETE_IF_FINAL = """
            DELETE FROM task WHERE id = $1 AND state IN ('completed', 'failed', 'canceled', 'skipped')
            RETURNING id""";

    /** The state of a task, to tell a 404 from a 409. $1 id. */
    public static final String SELECT_STATE = "SELECT state FROM task WHERE id = $1";

    /** Final tasks finished before a time, in the given states. $1 before, $2 states, $3 batch. */
    public static final String PURGE_BATCH = """
            WITH doomed AS (
                SELECT id FROM task
                WHERE finished_at < $1 AND state = ANY($2::text[])
                  AND state IN ('completed', 'failed', 'canceled', 'skipped')
                ORDER BY finished_at
                LIMIT $3)
            DELETE FROM task WHERE id IN (SELECT id FROM doomed)""";

    /** Counts for the status endpoint and the queue metrics; every count uses a partial index. */
    public static final String QUEUE_FIGURES = """
            SELECT
                count(*) FILTER (WHERE state = 'waiting') AS waiting,
                count(*) FILTER (WHERE state IN ('waiting', 'running', 'canceling')
                                 AND unblocked_at IS NOT NULL AND app_lock IS NULL) AS unblocked_unclaimed,
                count(*) FILTER (WHERE state = 'running') AS running,
                coalesce(extract(epoch FROM now() - min(unblocked_at) FILTER (
                    WHERE unblocked_at IS NOT NULL AND app_lock IS NULL)), 0)::float8 AS oldest_unclaimed_age
            FROM task
            WHERE state IN ('waiting', 'running', 'canceling')""";
}
