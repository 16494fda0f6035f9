package dev.brigade.bench;

/**
 * The benchmark's own statements: bulk set-up of deep queues (exactly the rows dispatch would
 * write, only faster), and the full-scan unblock that Pulp's design does on every pass, measured
 * as the peer of Brigade's event-driven unblocker.
 */
final class BenchSql {
    private BenchSql() {
    }

    /**
     * $1 tasks; $2 resources (0: none but the domain; else each task exclusive on r:(i % $2)).
     * created_at advances by a microsecond per task (FIFO order = insertion order) and lies before
     * anything dispatched later; the head of each resource is stamped unblocked, as dispatch would.
     */
    static final String POPULATE = """
            WITH rows AS (
                SELECT g, gen_random_uuid() AS id,
                       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 microsecond' AS created_at,
                       CASE WHEN $2 = 0 THEN NULL ELSE 'bench:' || (g % $2) END AS resource
                FROM generate_series(1, $1) AS g),
            tasks AS (
                INSERT INTO task (id, name, args, logging_cid, reserved_resources, created_at, unblocked_at, versions)
                SELECT id, 'brigade.echo', '{}', 'bench',
                       CASE WHEN resource IS NULL THEN ARRAY['shared:domain:default']
                            ELSE ARRAY[resource, 'shared:domain:default'] END,
                       created_at,
                       CASE WHEN $2 = 0 OR g <= $2 THEN created_at END,
                       '{}'
                FROM rows
                RETURNING id, created_at),
            exclusive_rows AS (
                INSERT INTO task_reservation (resource, task_created_at, task_id, exclusive)
                SELECT resource, created_at, id, true FROM rows WHERE resource IS NOT NULL)
            INSERT INTO task_reservation (resource, task_created_at, task_id, exclusive)
            SELECT 'domain:default', created_at, id, false FROM rows""";

    /** Pulp's pass, in SQL: every waiting task checked against everything before it. */
    static final String FULL_SCAN_UNBLOCK = """
            UPDATE task SET unblocked_at = clock_timestamp()
            WHERE state = 'waiting' AND unblocked_at IS NULL AND brigade_task_is_free(id)""";

    static final String COMPLETED = "SELECT count(*) FROM task WHERE state = 'completed'";
    static final String WAITING = "SELECT count(*) FROM task WHERE state = 'waiting'";
    static final String INCOMPLETE = "SELECT count(*) FROM task WHERE state IN ('waiting', 'running', 'canceling')";
}
