package dev.brigade.core.db;

/** Every statement on progress_report. */
public final class ProgressSql {
    private ProgressSql() {
    }

    /** Creates or advances the report {@code code} of a task. $1 id (new rows), $2 task, $3 code, $4 message, $5 total, $6 done. */
    public static final String UPSERT = """
            INSERT INTO progress_report (id, task, code, message, total, done, state)
            VALUES ($1, $2, $3, $4, $5, $6, 'running')
            ON CONFLICT (task, code) DO UPDATE
            SET message = excluded.message, total = excluded.total, done = excluded.done""";

    /** The reports of a task in the order they were created. $1 task. */
    public static final String SELECT_BY_TASK = """
            SELECT message, code, state, total, done, suffix FROM progress_report
            WHERE task = $1 ORDER BY created_at, code""";
}
