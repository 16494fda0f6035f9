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
     * Dispatches a batch of tasks (one or many) in one call: the resource locks, the task rows
     * (already unblocked when free), their reservation rows and one {@code handle} for the batch
     * (see migration V3, brigade_dispatch). Tasks are parallel arrays, their resources flattened
     * with the 1-based position of their task. $1 ids, $2 names, $3 args (JSON text), $4 logging
     * cids, $5 immediate, $6 deferred, $7 domains, $8 parents, $9 groups, $10 versions (JSON text),
     * $11 resource's task, $12 resource, $13 exclusive, $14 encoded (as reserved_resources shows
     * it), $15 notify channel, $16 notify payload. Returns id, created_at, unblocked_at per task.
     */
    public static final String DISPATCH = """
            SELECT id, created_at, unblocked_at
            FROM brigade_dispatch($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[],
                                  $7::text[], $8::uuid[], $9::uuid[], $10::text[],
                                  $11::integer[], $12::text[], $13::boolean[], $14::text[], $15, $16)""";

    /**
     * {@link #DISPATCH} for a JDBC caller (brigade-client's JdbcDispatcher): the same function, the
     * same parameters in the same order ({@link DispatchArrays}), as {@code ?} placeholders with
     * the arrays bound as SQL arrays. The casts keep the function's signature whatever types the
     * driver declares for the arrays.
     */
    public static final String DISPATCH_JDBC = """
            SELECT id, created_at, unblocked_at
            FROM brigade_dispatch(?::uuid[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[],
                                  ?::text[], ?::uuid[], ?::uuid[], ?::text[],
                                  ?::integer[], ?::text[], ?::boolean[], ?::text[], ?::text, ?::text)""";

    public static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM task WHERE id = $1";

    public static final String SELECT_BY_ID_WITH_ARGS = "SELECT " + COLUMNS_WITH_ARGS + " FROM task WHERE id = $1";

    public static final String SELECT_CHILD_IDS = """
            SELECT id FROM task WHERE parent_task = $1 ORDER BY created_at, id""";

    /**
     * The claim, one statement for a batch: lock up to $4 claimable tasks (immediate first, then
     * FIFO) that no other worker has locked, and take them (app_lock). A waiting task is claimable
     * only by a worker that runs its handler ($6, the names it runs): in a mixed fleet each worker
     * takes only its own names, and a task whose name no live worker runs stays waiting, unclaimed
     * (still blocking, as any waiting task does, the later tasks it conflicts with). The first $5
     * waiting ones (the worker has a handler slot free for each, and nothing queued) are started
     * in the same write; the others stay waiting, held, until the worker starts them
     * ({@link #START_BATCH}, just before their handlers run): a worker that dies holding tasks it
     * never started has them back in the queue (the app_lock is cleared with its app_status row),
     * never failed; only a started task is.
     * <p>
     * The candidates come from two walks, each a query level that holds every condition of its
     * tasks with FOR UPDATE SKIP LOCKED, so a row another worker claimed (or even finished) and
     * committed meanwhile is re-checked against all of them under the row lock: per name I run,
     * its waiting tasks in claim order (index task_claimable_by_name, at most $4 each); and the
     * tasks any worker may take to finish them, whatever their name (index
     * task_claimable_to_finish): a canceling task (finished canceled) and a running one whose
     * worker went missing (finished failed), both of which keep their state, and the name of the
     * process that ran them, to say which one went missing. The best $4 of those, in claim order,
     * are the same tasks a single walk of all claimable tasks would take, and the cost stays
     * independent of the queue (V5: a walk filtered by name paid one heap fetch per claimable task
     * of another name ahead of mine: ~100 ms per claim behind 100k of them). The price: when
     * several of my names (or the tasks to finish) each have $4 or more claimable, the walks lock
     * up to $4 per name and the statement keeps $4; the others are unlocked when it ends (another
     * worker's claim skips them meanwhile; more_claimable then says more wait).
     * SKIP LOCKED keeps workers off each other's rows without waiting. Tasks claimed together
     * never conflict: each was free (no earlier incomplete conflicting task, "earlier" by the
     * reservation rows' task_fifo, never by the clock) when it was unblocked; so ordering the
     * claim by created_at is fairness, not safety, and a clock step cannot make it unsafe. A worker never runs a task that asks for newer components than it has, but may
     * finish the cancel of any task; a task that asks for exactly the versions this worker has
     * (the usual case: it was dispatched by a program of the same release) passes a cheap
     * containment test first. {@code claimed_state} is the state the claim found. A waiting task
     * gets my name at once (API.md: the process that holds or held it); {@code start_now} says
     * which were started. {@code more_claimable} (the same on every row): whether, beyond the
     * tasks taken, the statement's snapshot shows another one I could take waiting unclaimed (one
     * probe per name I run and one of the tasks to finish; a task another worker is claiming at
     * that moment counts), so that a worker whose claim filled its room knows whether to ask the
     * relay to wake others. $1 app_lock (me), $2 my name, $3 my versions, $4 how many at most,
     * $5 how many of the waiting ones to start, $6 the handler names I run.
     */
    public static final String CLAIM_BATCH = """
            WITH candidate AS (
                SELECT id, claimed_state, immediate, created_at
                FROM (SELECT mine.*
                      FROM unnest($6::text[]) AS handler(name)
                      CROSS JOIN LATERAL (
                          SELECT id, state AS claimed_state, immediate, created_at
                          FROM task
                          WHERE task.name = handler.name
                            AND state = 'waiting'
                            AND unblocked_at IS NOT NULL
                            AND app_lock IS NULL
                            AND (versions <@ $3::text::jsonb OR brigade_versions_satisfied(versions, $3::text::jsonb))
                          ORDER BY immediate DESC, created_at, id
                          LIMIT $4
                          FOR UPDATE SKIP LOCKED) mine
                      UNION ALL
                      SELECT to_finish.*
                      FROM (SELECT id, state AS claimed_state, immediate, created_at
                            FROM task
                            WHERE state IN ('running', 'canceling')
                              AND unblocked_at IS NOT NULL
                              AND app_lock IS NULL
                              AND (state = 'canceling' OR versions <@ $3::text::jsonb
                                   OR brigade_versions_satisfied(versions, $3::text::jsonb))
                            ORDER BY immediate DESC, created_at, id
                            LIMIT $4
                            FOR UPDATE SKIP LOCKED) to_finish) walked
                ORDER BY immediate DESC, created_at, id
                LIMIT $4),
            ranked AS (
                SELECT id, claimed_state,
                       claimed_state = 'waiting' AND row_number() OVER (
                           PARTITION BY claimed_state = 'waiting' ORDER BY immediate DESC, created_at, id) <= $5 AS start_now
                FROM candidate)
            UPDATE task
            SET app_lock = $1,
                worker = CASE WHEN task.started_at IS NULL THEN $2 ELSE task.worker END,
                state = CASE WHEN ranked.start_now THEN 'running' ELSE task.state END,
                started_at = CASE WHEN ranked.start_now THEN clock_timestamp() ELSE task.started_at END
            FROM ranked
            WHERE task.id = ranked.id
            RETURNING ranked.claimed_state, ranked.start_now,
                (EXISTS (SELECT 1
                         FROM unnest($6::text[]) AS handler(name)
                         CROSS JOIN LATERAL (
                             SELECT 1 FROM task more
                             WHERE more.name = handler.name AND more.state = 'waiting'
                               AND more.unblocked_at IS NOT NULL AND more.app_lock IS NULL
                               AND more.id NOT IN (SELECT id FROM candidate)
                             -- the index's order: without it a generic plan may scan the table
                             ORDER BY more.immediate DESC, more.created_at, more.id
                             LIMIT 1) more_mine)
                 OR EXISTS (SELECT 1 FROM task more
                            WHERE more.state IN ('running', 'canceling')
                              AND more.unblocked_at IS NOT NULL AND more.app_lock IS NULL
                              AND more.id NOT IN (SELECT id FROM candidate))) AS more_claimable,\s""" + COLUMNS_WITH_ARGS;

    /**
     * waiting → running for a batch of claimed tasks this worker is about to hand a handler slot,
     * one statement, before any of their handlers runs (so that a started task is one the
     * database knows started: a worker that dies afterwards has it failed, never run twice).
     * Returns the ids started; one asked for and not returned was canceled while queued (it is
     * {@code canceling}, see {@link #SELECT_HOLD}) or is no longer mine. A retry after a lost
     * reply returns nothing for the ones its first attempt started. $1 ids, $2 app_lock (me),
     * $3 my name.
     */
    public static final String START_BATCH = """
            UPDATE task SET state = 'running', worker = $3, started_at = clock_timestamp()
            WHERE id = ANY ($1::uuid[]) AND app_lock = $2 AND state = 'waiting'
            RETURNING id""";

    /** The state of tasks a start did not start, and whether I still hold them. $1 ids, $2 app_lock (me). */
    public static final String SELECT_HOLD = """
            SELECT id, state, app_lock IS NOT DISTINCT FROM $2 AS mine FROM task WHERE id = ANY ($1::uuid[])""";

    /**
     * waiting → running, by the holder, for a process that claims one task by itself (the
     * api-server's immediate path). Idempotent for the holder (a retry after a lost reply finds
     * its own earlier write, and a task already started is left as it is).
     * $1 id, $2 app_lock (me).
     */
    public static final String SET_RUNNING = """
            UPDATE task SET state = 'running', started_at = coalesce(started_at, clock_timestamp())
            WHERE id = $1 AND app_lock = $2 AND state IN ('waiting', 'running')
            RETURNING started_at""";

    /**
     * Claims whose reply this process never got (the connection dropped after the commit): tasks
     * it holds and does not run ($2, the ids it does run). Those it started itself never ran
     * their handler: their start is undone (a running one is waiting again, a canceling one will
     * be finished canceled). It knows them by its name and a start no earlier than its own
     * registration (a task taken over from a dead process of the same name started before this
     * one registered). Every such task is let go, for another claim to take or finish.
     * $1 app_lock (me), $2 ids held, $3 my name. Returns the ids let go.
     */
    public static final String RETURN_LOST_CLAIMS = """
            UPDATE task
            SET app_lock = NULL,
                state = CASE WHEN lost.mine AND task.state = 'running' THEN 'waiting' ELSE task.state END,
                started_at = CASE WHEN lost.mine THEN NULL ELSE task.started_at END
            FROM (SELECT t.id,
                         coalesce(t.worker = $3
                             AND t.started_at >= (SELECT a.started_at FROM app_status a WHERE a.id = $1), false) AS mine
                  FROM task t
                  WHERE t.app_lock = $1 AND t.state IN ('waiting', 'running', 'canceling')
                    AND NOT (t.id = ANY ($2::uuid[]))
                  FOR UPDATE) lost
            WHERE task.id = lost.id
            RETURNING task.id""";

    /**
     * Gives back a task this process claimed and queued but never started (it waited too long
     * for a handler slot, or the worker is stopping): it is let go, still waiting in its FIFO
     * place, for any worker to take (a canceling one to finish canceled), and {@code handle}
     * tells the others. A started (running) task is never given back. $1 id, $2 app_lock (me),
     * $3/$4 the handle notification. No row: the task was no longer mine.
     */
    public static final String GIVE_BACK = """
            WITH given AS (
                UPDATE task
                SET app_lock = NULL
                WHERE id = $1 AND app_lock = $2 AND state IN ('waiting', 'canceling')
                RETURNING id)
            SELECT id, pg_notify($3, $4) FROM given""";

    /**
     * Records a batch of outcomes of tasks held by me and releases their resources, one call
     * (see migration V3, brigade_finish): the advisory locks of all their resources (taken once,
     * in the global order), each task's state (or its canceling outcome if it was moved to
     * canceling meanwhile), open progress reports, the lock released, and a release recorded
     * only where it can free a task. $1 me, $2 ids, $3 states, $4 states if canceling, $5 results,
     * $6 errors, $7 errors if canceling (JSON text), $8 whether the handler ran, $9 resources,
     * $10 exclusive flags (of all tasks), $11/$12 the unblock notification (null: none).
     * Returns id, state written, and whether releases were recorded; a task no longer held by me
     * is missing from the result.
     */
    public static final String FINISH_BATCH = """
            SELECT id, state, released
            FROM brigade_finish($1, $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                $8::boolean[], $9::text[], $10::boolean[], $11, $12)""";

    /**
     * A worker about to exit at once (a handler ignored its cancel, or shutdown ran out of grace)
     * records every task it started final but keeps app_lock and the reservation rows: the
     * resources stay taken until the janitor has removed this process's row, after it is gone,
     * so no handler outlives its reservation. Canceling tasks end canceled, the running ones
     * failed. They are marked {@code reservations_kept}: whichever janitor run comes after the
     * process is gone releases them (ReservationSql.SWEEP_KEPT_RESERVATIONS), not only the one that
     * reaps it. Tasks it holds but never started (still waiting) are let go, for any worker: no
     * handler of theirs ran. $1 app_lock (me), $2 error for the failed ones. Returns the ids and
     * states written.
     */
    public static final String FINISH_ALL_BEFORE_EXIT = """
            WITH released AS (
                UPDATE task SET app_lock = NULL
                WHERE app_lock = $1 AND state = 'waiting'),
            finished AS (
                UPDATE task
                SET state = CASE WHEN state = 'canceling' THEN 'canceled' ELSE 'failed' END,
                    error = CASE WHEN state = 'canceling' THEN NULL ELSE $2::text::jsonb END,
                    finished_at = clock_timestamp(),
                    reservations_kept = true
                WHERE app_lock = $1 AND state IN ('running', 'canceling')
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

    /**
     * Deletes a final task (migration V6, brigade_delete_final), first releasing, under their
     * resource locks, any reservation rows it still holds (a halted worker's task), so the tasks
     * behind it are unblocked. No row when it is missing, incomplete, or final but still held by
     * a process about to halt. $1 id, $2/$3 the unblock notification.
     */
    public static final String DELETE_IF_FINAL = """
            SELECT id FROM brigade_delete_final(ARRAY[$1::uuid], $2, $3)""";

    /** The state of a task, to tell a 404 from a 409. $1 id. */
    public static final String SELECT_STATE = "SELECT state FROM task WHERE id = $1";

    /**
     * Deletes final tasks finished before a time, in the given states, as {@link #DELETE_IF_FINAL}
     * does (rows still held are released, not dropped; a task still held is left for a later
     * batch). One row per task deleted. $1 before, $2 states, $3 batch, $4/$5 the unblock
     * notification.
     */
    public static final String PURGE_BATCH = """
            SELECT id FROM brigade_delete_final(ARRAY(
                SELECT id FROM task
                WHERE finished_at < $1 AND state = ANY($2::text[])
                  AND state IN ('completed', 'failed', 'canceled', 'skipped') AND app_lock IS NULL
                ORDER BY finished_at
                LIMIT $3), $4, $5)""";

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
