package dev.brigade.core.db;

/** The statements of the immediate path, where the api-server runs a task inside the dispatch request. */
public final class ImmediateSql {
    private ImmediateSql() {
    }

    /**
     * The dispatching process takes the task it has just inserted, in the same transaction, so no
     * worker can claim it in between (workers claim immediate tasks first). Conditional like every
     * claim; no row means the task is not there to take. $1 id, $2 app_lock (me), $3 my name.
     */
    public static final String CLAIM_DISPATCHED = """
            UPDATE task SET app_lock = $2, worker = $3
            WHERE id = $1 AND state = 'waiting' AND app_lock IS NULL
            RETURNING\s""" + TaskSql.COLUMNS_WITH_ARGS;
    /**
     * An immediate task whose handler ignored its stop past the time limit and the stop grace:
     * recorded final (failed, or canceled when a cancel came) but, as a halting worker does
     * (TaskSql.FINISH_ALL_BEFORE_EXIT), keeping app_lock and the reservation rows, marked
     * {@code reservations_kept}, so no later task on its resources runs beside the handler. The
     * api-server lets go of it when the handler returns ({@link #RELEASE_KEPT}); if the api-server
     * dies first, the janitor's reap of its row and the sweep release them. No resource lock is
     * taken: no reservation row changes. $1 id, $2 app_lock (me), $3 error (JSON text). Returns
     * the state written; no row when the task was no longer held by me.
     */
    public static final String FINISH_KEEPING_RESERVATIONS = """
            WITH finished AS (
                UPDATE task
                SET state = CASE WHEN state = 'canceling' THEN 'canceled' ELSE 'failed' END,
                    error = CASE WHEN state = 'canceling' THEN NULL ELSE $3::text::jsonb END,
                    finished_at = clock_timestamp(),
                    reservations_kept = true
                WHERE id = $1 AND app_lock = $2 AND state IN ('running', 'canceling')
                RETURNING id, state),
            reports AS (
                UPDATE progress_report SET state = finished.state
                FROM finished
                WHERE progress_report.task = finished.id AND progress_report.state IN ('waiting', 'running'))
            SELECT state FROM finished""";

    /**
     * The handler of a task recorded by {@link #FINISH_KEEPING_RESERVATIONS} has returned: let go
     * of the task and release its reservation rows under their resource locks
     * (brigade_release_reservations, V6: the task row locked by the update first, then the
     * advisory locks, as the sweep does), recording a release where it can free a task. Nothing
     * when the task is no longer held by me (the sweep released it). $1 id, $2 app_lock (me).
     * Returns how many releases were recorded (notify unblock when any).
     */
    public static final String RELEASE_KEPT = """
            WITH let_go AS (
                UPDATE task SET app_lock = NULL, reservations_kept = false
                WHERE id = $1 AND app_lock = $2 AND reservations_kept
                RETURNING id)
            SELECT brigade_release_reservations(ARRAY(SELECT id FROM let_go)) AS released""";
}
