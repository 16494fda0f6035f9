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
}
