package dev.brigade.core.db;

/** Every statement on app_status. Liveness is always judged on the database clock, now(). */
public final class AppStatusSql {
    private AppStatusSql() {
    }

    /**
     * $1 id, $2 name, $3 type, $4 versions, $5 ttl, $6 the handlers it runs (see
     * {@link AdvertisedHandlerStore#encode}; '{}' for an api-server). Written once: the heartbeat
     * does not repeat them, since a process's handlers do not change while it runs.
     */
    public static final String REGISTER = """
            INSERT INTO app_status (id, name, type, versions, ttl, last_heartbeat, started_at, handlers)
            VALUES ($1, $2, $3, $4::text::jsonb, make_interval(secs => $5::float8), now(), now(), $6::text::jsonb)""";

    /** No row means the janitor judged this process missing: it must stop taking tasks. $1 id. */
    public static final String HEARTBEAT = "UPDATE app_status SET last_heartbeat = now() WHERE id = $1";

    /**
     * What is due for a worker, read in the statement that carries its heartbeat (and in poll
     * mode, without it): so an idle worker costs one statement per heartbeat, and looks for lost
     * signals, releases, cancels, lost claim replies and janitor work all at once. $1 id, $2 the
     * janitor duties this worker does (none for an auxiliary one), $3 the handler names it runs.
     * {@code claimable_for}: how long (seconds) a task this worker's claim (TaskSql.CLAIM_BATCH)
     * would take has waited unclaimed, NULL when there is none: per name it runs, the first
     * waiting task in claim order (one probe of task_claimable_by_name), and the first of those
     * any worker finishes (canceling, or running without a holder: one probe of
     * task_claimable_to_finish); the longest waiting of these heads. A task of a name it does not
     * run is never claimable for it, or an idle worker beside one it cannot run would claim in vain
     * on every beat;
     * {@code releases}: released resources wait for an unblock pass; {@code held}: the tasks the
     * database says this worker holds; {@code canceling}: one of them is to be canceled;
     * {@code missing}: a process's heartbeat is older than its ttl (to be reaped);
     * {@code kept_reservations}: a final task whose rows a halted process kept waits to be swept,
     * its process gone (one probe of the partial index task_reservations_kept: a reap whose own
     * sweep never ran is finished by whichever janitor run comes next);
     * {@code schedule_due}: a schedule is due and its last task final (what dispatch of due
     * schedules takes); {@code due_duties}: those of $2 due now. So the janitor's transactions run
     * only when there is something to do.
     */
    private static final String DUES = """
            (SELECT max(waited) FROM (
                 SELECT (SELECT extract(epoch FROM now() - unblocked_at) FROM task
                         WHERE task.name = handler.name AND state = 'waiting'
                           AND unblocked_at IS NOT NULL AND app_lock IS NULL
                         -- the index's order: without it a generic plan may scan the table
                         ORDER BY immediate DESC, created_at, id
                         LIMIT 1) AS waited
                 FROM unnest($3::text[]) AS handler(name)
                 UNION ALL
                 SELECT (SELECT extract(epoch FROM now() - unblocked_at) FROM task
                         WHERE state IN ('running', 'canceling') AND unblocked_at IS NOT NULL AND app_lock IS NULL
                         ORDER BY immediate DESC, created_at, id
                         LIMIT 1)) heads)::float8 AS claimable_for,
            EXISTS (SELECT 1 FROM reservation_release) AS releases,
            (SELECT count(*) FROM task WHERE app_lock = $1 AND state IN ('waiting', 'running', 'canceling')) AS held,
            EXISTS (SELECT 1 FROM task WHERE app_lock = $1 AND state = 'canceling') AS canceling,
            EXISTS (SELECT 1 FROM app_status WHERE last_heartbeat < now() - ttl) AS missing,
            EXISTS (SELECT 1 FROM task WHERE reservations_kept AND app_lock IS NULL) AS kept_reservations,
            EXISTS (SELECT 1 FROM task_schedule s LEFT JOIN task last ON last.id = s.last_task
                    WHERE s.enabled AND s.next_dispatch <= now()
                      AND (last.id IS NULL OR last.state IN ('completed', 'failed', 'canceled', 'skipped'))) AS schedule_due,
            ARRAY(SELECT name FROM janitor_duty WHERE next_run <= now() AND name = ANY ($2::text[])
                  ORDER BY name) AS due_duties""";

    /** A worker's heartbeat and its dues in one statement; {@code alive} false: the row is gone (reaped). $1 id, $2 duties, $3 handler names. */
    public static final String WORKER_HEARTBEAT = """
            WITH beat AS (UPDATE app_status SET last_heartbeat = now() WHERE id = $1 RETURNING id)
            SELECT EXISTS (SELECT 1 FROM beat) AS alive,
            """ + DUES;

    /** A worker's dues without a heartbeat (the poll of signals mode poll). $1 id, $2 duties, $3 handler names. */
    public static final String WORKER_DUES = "SELECT true AS alive,\n" + DUES;

    /** On clean exit; the foreign key frees whatever this process still held. $1 id. */
    public static final String DEREGISTER = "DELETE FROM app_status WHERE id = $1";

    /**
     * A process about to halt makes itself look missing a moment from now, so the janitor frees
     * what it holds only after it is surely gone. $1 id, $2 how long from now.
     */
    public static final String EXPIRE_SOON = """
            UPDATE app_status SET last_heartbeat = now() - ttl + make_interval(secs => $2::float8) WHERE id = $1""";

    /** The missing processes (heartbeat older than their ttl), removed. */
    public static final String DELETE_MISSING = """
            DELETE FROM app_status WHERE last_heartbeat < now() - ttl RETURNING id, name, type""";

    /**
     * The handler names live workers (heartbeat within their own ttl) advertise, one row per
     * name: what dispatch checks a name against. {@code may_run_immediately} only when every live
     * worker that advertises the name says so, since any of them may claim the task.
     */
    public static final String SELECT_ADVERTISED_HANDLERS = """
            SELECT h.name, bool_and(coalesce((h.entry ->> 'may_run_immediately')::boolean, false)) AS may_run_immediately
            FROM app_status a CROSS JOIN LATERAL jsonb_each(a.handlers) AS h(name, entry)
            WHERE a.type = 'worker' AND a.last_heartbeat >= now() - a.ttl
            GROUP BY h.name""";

    /** Every (handler name, live worker that advertises it): by name, then the workers oldest first. */
    public static final String SELECT_ADVERTISED_HANDLER_WORKERS = """
            SELECT h.name, a.name AS worker,
                   coalesce((h.entry ->> 'may_run_immediately')::boolean, false) AS may_run_immediately
            FROM app_status a CROSS JOIN LATERAL jsonb_each(a.handlers) AS h(name, entry)
            WHERE a.type = 'worker' AND a.last_heartbeat >= now() - a.ttl
            ORDER BY h.name, a.started_at, a.id""";

    /** Online processes of a type, oldest first. $1 type. */
    public static final String SELECT_ONLINE = """
            SELECT id, name, type, versions::text AS versions, last_heartbeat
            FROM app_status WHERE type = $1 AND last_heartbeat >= now() - ttl
            ORDER BY started_at, id""";
}
