-- FIFO order independent of the clock. Until now a resource's queue was ordered by
-- (task_created_at, task_id): created_at is clock_timestamp() drawn after the resource locks,
-- and ties broke on a random uuid. A clock stepped back (an NTP step, a failover to a standby
-- whose clock is behind) or two conflicting tasks in one microsecond then sorted a later task
-- before a running earlier one, and brigade_task_is_free, which looks only at earlier rows, let
-- it run beside it. The order is now a number drawn from a sequence by brigade_dispatch after
-- it holds the resource locks: conflicting dispatches are serialised by those locks, so the later
-- one draws a larger number, whatever the clocks say. created_at stays, for people (and the claim
-- order among free tasks, which never conflict). Sequences are WAL-logged ahead of the values
-- handed out, so a standby promoted after a failover continues above every number a surviving
-- task holds.
--
-- CACHE 1 (the default) matters: with a per-session cache, a session could hand out a number
-- below one another session handed out earlier. nextval is called inside the function (and by
-- the column default, for rows written by hand); no client statement names the sequence, so a
-- pooler that pins sessions on sequence functions in client statements (RDS Proxy) sees none,
-- and currval/lastval, which are session state, are never used.
CREATE SEQUENCE task_fifo AS bigint;

ALTER TABLE task_reservation ADD COLUMN task_fifo bigint;
-- The queue as it stands keeps its order: the incomplete tasks numbered by (created_at, id).
UPDATE task_reservation r SET task_fifo = o.fifo
FROM (SELECT d.task_id, row_number() OVER (ORDER BY d.task_created_at, d.task_id) AS fifo
      FROM (SELECT DISTINCT task_created_at, task_id FROM task_reservation) d) o
WHERE r.task_id = o.task_id;
SELECT setval('task_fifo', max(task_fifo)) FROM task_reservation HAVING max(task_fifo) IS NOT NULL;
ALTER TABLE task_reservation
    ALTER COLUMN task_fifo SET DEFAULT nextval('task_fifo'),
    ALTER COLUMN task_fifo SET NOT NULL;
ALTER SEQUENCE task_fifo OWNED BY task_reservation.task_fifo;

-- Each resource's queue in that order (a task's rows share its number: unique per resource),
-- and its exclusive rows alone.
ALTER TABLE task_reservation DROP CONSTRAINT task_reservation_pkey;
ALTER TABLE task_reservation ADD PRIMARY KEY (resource, task_fifo);
DROP INDEX task_reservation_exclusive;
CREATE INDEX task_reservation_exclusive ON task_reservation (resource, task_fifo) WHERE exclusive;

-- True when no earlier incomplete task conflicts with this one, "earlier" by the drawn order:
-- for an exclusive row, no earlier row on that resource at all; for a shared row, no earlier
-- exclusive row.
CREATE OR REPLACE FUNCTION brigade_task_is_free(t uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
SELECT NOT EXISTS (
    SELECT 1
    FROM task_reservation mine
    WHERE mine.task_id = t
      AND CASE
              WHEN mine.exclusive THEN EXISTS (
                  SELECT 1 FROM task_reservation other
                  WHERE other.resource = mine.resource
                    AND other.task_fifo < mine.task_fifo)
              ELSE EXISTS (
                  SELECT 1 FROM task_reservation other
                  WHERE other.resource = mine.resource
                    AND other.exclusive
                    AND other.task_fifo < mine.task_fifo)
          END)
$$;

-- brigade_dispatch (V3), drawing each task's number after the locks and writing it to its rows.
CREATE OR REPLACE FUNCTION brigade_dispatch(
    ids uuid[], names text[], args text[], logging_cids text[], immediates boolean[], deferreds boolean[],
    domains text[], parents uuid[], groups uuid[], versions text[],
    res_task integer[], res_name text[], res_exclusive boolean[], res_encoded text[],
    notify_channel text, notify_payload text)
    RETURNS TABLE (id uuid, created_at timestamptz, unblocked_at timestamptz)
    LANGUAGE plpgsql VOLATILE
    -- planned per call for the arrays at hand: a plan cached while the table was small (a
    -- sequential scan) would otherwise be kept by the session as the table grows
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    t0 timestamptz;
    fifos bigint[];
    written_ids uuid[];
    written_created timestamptz[];
    written_unblocked timestamptz[];
BEGIN
    PERFORM brigade_lock_resources(res_name, res_exclusive);
    -- the order, drawn after the locks: a conflicting dispatch committed before drew smaller
    -- numbers, one waiting for these locks will draw larger ones; ascending in the order given
    fifos := ARRAY(SELECT nextval('task_fifo') FROM generate_series(1, cardinality(ids)) ORDER BY 1);
    t0 := clock_timestamp();
    WITH wanted AS (
        SELECT r.task, r.resource, r.exclusive, r.encoded, r.pos,
               -- an earlier task of this batch on the same resource: any, and an exclusive one
               coalesce(bool_or(true) OVER earlier, false) AS earlier_any,
               coalesce(bool_or(r.exclusive) OVER earlier, false) AS earlier_exclusive
        FROM unnest(res_task, res_name, res_exclusive, res_encoded) WITH ORDINALITY AS r(task, resource, exclusive, encoded, pos)
        WINDOW earlier AS (PARTITION BY r.resource ORDER BY r.task, r.pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
    queued AS (
        -- what the queue already holds on each resource named: any row, and an exclusive row
        SELECT d.resource,
               EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = d.resource) AS any_row,
               EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = d.resource AND q.exclusive) AS exclusive_row
        FROM (SELECT DISTINCT w.resource FROM wanted w) d),
    blocked AS (
        SELECT DISTINCT w.task
        FROM wanted w JOIN queued q ON q.resource = w.resource
        WHERE q.exclusive_row OR w.earlier_exclusive OR (w.exclusive AND (q.any_row OR w.earlier_any))),
    reserved AS (
        SELECT w.task, array_agg(w.encoded ORDER BY w.pos) AS encoded FROM wanted w GROUP BY w.task),
    fresh AS (
        SELECT t.*, t0 + (t.ord - 1) * interval '1 microsecond' AS at, fifos[t.ord] AS fifo,
               b.task IS NULL AS free,
               coalesce(rs.encoded, '{}') AS reserved
        FROM unnest(ids, names, args, logging_cids, immediates, deferreds, domains, parents, groups, versions)
             WITH ORDINALITY AS t(id, name, args, cid, immediate, deferred, domain, parent, grp, versions, ord)
        LEFT JOIN blocked b ON b.task = t.ord
        LEFT JOIN reserved rs ON rs.task = t.ord),
    inserted AS (
        INSERT INTO task (id, name, args, logging_cid, reserved_resources, immediate, deferred, domain,
                          parent_task, task_group, versions, created_at, unblocked_at)
        SELECT f.id, f.name, f.args::jsonb, f.cid, f.reserved, f.immediate, f.deferred, f.domain,
               f.parent, f.grp, f.versions::jsonb, f.at,
               CASE WHEN f.free THEN greatest(clock_timestamp(), f.at) END
        FROM fresh f
        ORDER BY f.ord
        RETURNING task.id, task.created_at, task.unblocked_at),
    reservations AS (
        INSERT INTO task_reservation (resource, task_created_at, task_id, exclusive, task_fifo)
        SELECT w.resource, f.at, f.id, w.exclusive, f.fifo
        FROM wanted w JOIN fresh f ON f.ord = w.task)
    SELECT array_agg(i.id), array_agg(i.created_at), array_agg(i.unblocked_at)
    FROM inserted i
    INTO written_ids, written_created, written_unblocked;
    IF notify_channel IS NOT NULL AND EXISTS (SELECT 1 FROM unnest(written_unblocked) AS u(at) WHERE u.at IS NOT NULL) THEN
        PERFORM pg_notify(notify_channel, notify_payload);
    END IF;
    RETURN QUERY SELECT w.id, w.created_at, w.unblocked_at
                 FROM unnest(written_ids, written_created, written_unblocked) AS w(id, created_at, unblocked_at);
END
$$;

-- brigade_unblock_step (V3), walking each resource's queue by the drawn order.
CREATE OR REPLACE FUNCTION brigade_unblock_step(batch integer, notify_channel text, notify_payload text)
    RETURNS TABLE (acquired boolean, consumed bigint, stamped bigint)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    n_consumed bigint;
    n_stamped bigint;
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
        RETURNING task.id)
    SELECT (SELECT count(*) FROM released), (SELECT count(*) FROM stamped) INTO n_consumed, n_stamped;
    IF n_stamped > 0 AND notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, notify_payload);
    END IF;
    RETURN QUERY SELECT true, n_consumed, n_stamped;
END
$$;
