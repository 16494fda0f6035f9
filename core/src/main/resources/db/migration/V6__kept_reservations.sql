-- Reservation rows of final tasks are released by whoever finds them, never only by the call that
-- made them findable. A worker about to halt records its tasks final but keeps their lock and their
-- reservation rows (TaskSql.FINISH_ALL_BEFORE_EXIT), so no handler outlives its reservation; they
-- are released once its app_status row is gone. Before this version only the janitor call that
-- reaped the row swept them: a janitor that died (or whose statement failed) between the reap and
-- the sweep left them for ever, since later reaps found nobody missing, and the tasks behind them
-- waited for ever (the safety poll reads reservation_release only). Deleting or purging such a
-- task dropped its rows by cascade without recording a release: the same stall.

-- Marks a final task whose rows were kept; the partial index holds only those (a handful, the
-- tasks of halted workers), so the heartbeat's probe and the sweep cost nothing at any queue depth.
ALTER TABLE task ADD COLUMN reservations_kept boolean NOT NULL DEFAULT false;
CREATE INDEX task_reservations_kept ON task (id) WHERE reservations_kept;
-- Leftovers of an earlier version (one walk of the reservation rows, the queue's size).
UPDATE task SET reservations_kept = true
WHERE id IN (SELECT r.task_id FROM task_reservation r)
  AND state IN ('completed', 'failed', 'canceled', 'skipped');

-- Releases the reservation rows of final tasks nobody holds, which the caller has locked (FOR
-- UPDATE): takes their resource locks (in the global order), then, in a snapshot taken after
-- them, deletes the rows and records a release where it can free a task, as brigade_finish does
-- (read after the deletes: a conflicting dispatch committed before is seen, one that commits
-- after sees the rows gone). Returns the releases recorded. Tasks without rows (every task that
-- finished normally) cost one index probe and take no lock.
CREATE FUNCTION brigade_release_reservations(ids uuid[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    res text[];
    excl boolean[];
    rel_res text[];
    rel_excl boolean[];
    recorded integer := 0;
BEGIN
    SELECT array_agg(r.resource), array_agg(r.exclusive) INTO res, excl
    FROM task_reservation r WHERE r.task_id = ANY (ids);
    IF res IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM brigade_lock_resources(res, excl);
    WITH released AS (
        DELETE FROM task_reservation r WHERE r.task_id = ANY (ids)
        RETURNING r.resource, r.exclusive)
    SELECT array_agg(released.resource), array_agg(released.exclusive) INTO rel_res, rel_excl FROM released;
    IF rel_res IS NOT NULL THEN
        INSERT INTO reservation_release (resource, exclusive)
        SELECT g.resource, g.exclusive
        FROM (SELECT u.resource, bool_or(u.exclusive) AS exclusive
              FROM unnest(rel_res, rel_excl) AS u(resource, exclusive)
              GROUP BY u.resource) g
        WHERE EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = g.resource AND q.exclusive)
           OR (g.exclusive AND EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = g.resource));
        GET DIAGNOSTICS recorded = ROW_COUNT;
    END IF;
    RETURN recorded;
END
$$;

-- One batch of the sweep: up to batch final tasks whose rows were kept and whose process is gone
-- (app_lock null), through task_reservations_kept; SKIP LOCKED, so janitors of several workers
-- share the work instead of waiting for each other. Any janitor run does it, not only the reap.
-- Notifies (given a channel) when it recorded a release. Returns the tasks swept.
CREATE FUNCTION brigade_sweep_kept_reservations(batch integer, notify_channel text, notify_payload text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    swept uuid[];
    recorded integer;
BEGIN
    swept := ARRAY(SELECT t.id FROM task t
                   WHERE t.reservations_kept AND t.app_lock IS NULL
                     AND t.state IN ('completed', 'failed', 'canceled', 'skipped')
                   ORDER BY t.id
                   LIMIT batch
                   FOR UPDATE SKIP LOCKED);
    IF cardinality(swept) = 0 THEN
        RETURN 0;
    END IF;
    recorded := brigade_release_reservations(swept);
    UPDATE task SET reservations_kept = false WHERE task.id = ANY (swept);
    IF recorded > 0 AND notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, notify_payload);
    END IF;
    RETURN cardinality(swept);
END
$$;

-- Deletes final tasks (the API's delete, the purge), releasing first whatever rows they still
-- hold, so that no delete drops reservation rows by cascade without recording their release.
-- A final task still held (a halting worker's, before its row is gone) is left alone: its
-- resources must stay taken until that process is surely dead. Returns the ids deleted.
CREATE FUNCTION brigade_delete_final(ids uuid[], notify_channel text, notify_payload text)
    RETURNS TABLE (id uuid)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    doomed uuid[];
BEGIN
    doomed := ARRAY(SELECT t.id FROM task t
                    WHERE t.id = ANY (ids) AND t.app_lock IS NULL
                      AND t.state IN ('completed', 'failed', 'canceled', 'skipped')
                    ORDER BY t.id
                    FOR UPDATE);
    IF cardinality(doomed) = 0 THEN
        RETURN;
    END IF;
    IF brigade_release_reservations(doomed) > 0 AND notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, notify_payload);
    END IF;
    RETURN QUERY DELETE FROM task t WHERE t.id = ANY (doomed) RETURNING t.id;
END
$$;
