-- The unblock step's handle names the handlers of the tasks it freed (as a dispatch's does,
-- HandleSignal), so that a relay wakes a worker that runs one of them: in a mixed fleet a task
-- freed by the release of the one before it is not left to a worker that cannot claim it.
-- brigade_unblock_step as V7 left it, but for the names it reads back from the tasks it stamps.
CREATE OR REPLACE FUNCTION brigade_unblock_step(batch integer, notify_channel text, notify_payload text)
    RETURNS TABLE (acquired boolean, consumed bigint, stamped bigint)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    n_consumed bigint;
    n_stamped bigint;
    stamped_names text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM reservation_release) THEN
        RETURN QUERY SELECT true, 0::bigint, 0::bigint;
        RETURN;
    END IF;
    IF NOT pg_try_advisory_xact_lock(1112688452, 1) THEN
        RETURN QUERY SELECT false, 0::bigint, 0::bigint;
        RETURN;
    END IF;
    WITH released AS (
        DELETE FROM reservation_release
        WHERE reservation_release.id IN (SELECT rr.id FROM reservation_release rr ORDER BY rr.id LIMIT batch)
        RETURNING resource, exclusive),
    freed AS (
        SELECT f.resource, bool_or(f.exclusive) AS exclusive FROM released f GROUP BY f.resource),
    head AS (
        SELECT f.resource, f.exclusive AS freed_exclusive, h.task_id, h.exclusive
        FROM freed f
        CROSS JOIN LATERAL (
            SELECT r.task_id, r.exclusive FROM task_reservation r
            WHERE r.resource = f.resource
            ORDER BY r.task_fifo
            LIMIT 1) h),
    candidate AS (
        SELECT head.task_id FROM head WHERE head.exclusive
        UNION
        SELECT r.task_id
        FROM head
        LEFT JOIN LATERAL (
            SELECT x.task_fifo FROM task_reservation x
            WHERE x.resource = head.resource AND x.exclusive
            ORDER BY x.task_fifo
            LIMIT 1) next_exclusive ON true
        JOIN task_reservation r ON r.resource = head.resource AND NOT r.exclusive
        WHERE head.freed_exclusive AND NOT head.exclusive
          AND (next_exclusive.task_fifo IS NULL OR r.task_fifo < next_exclusive.task_fifo)),
    -- the freedom test runs on the candidates only: written in the UPDATE's WHERE it is a
    -- condition on task alone, which the planner may push into a scan of every waiting task
    free AS MATERIALIZED (
        SELECT c.task_id FROM (SELECT DISTINCT candidate.task_id FROM candidate) c
        WHERE brigade_task_is_free(c.task_id)),
    -- by id through the primary key (= ANY of an array): as a join the planner may hash the few
    -- candidates against a scan of every waiting task
    stamped AS (
        UPDATE task SET unblocked_at = clock_timestamp()
        WHERE task.id = ANY (ARRAY(SELECT free.task_id FROM free))
          AND task.state = 'waiting' AND task.unblocked_at IS NULL
        RETURNING task.id, task.name)
    SELECT (SELECT count(*) FROM released), (SELECT count(*) FROM stamped),
           (SELECT jsonb_agg(DISTINCT s.name ORDER BY s.name)::text FROM stamped s)
    INTO n_consumed, n_stamped, stamped_names;
    IF n_stamped > 0 AND notify_channel IS NOT NULL THEN
        -- the handle names the freed tasks' handlers (HandleSignal: "handle" and a JSON array),
        -- at most 2,000 bytes of them (HandleSignal.MAX_NAMES_BYTES), else it names none
        PERFORM pg_notify(notify_channel, CASE WHEN octet_length(stamped_names) <= 2000
            THEN notify_payload || ' ' || stamped_names ELSE notify_payload END);
    END IF;
    RETURN QUERY SELECT true, n_consumed, n_stamped;
END
$$;
