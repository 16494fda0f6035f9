-- The batched pipeline: dispatch, completion and unblocking each cost one statement (one round
-- trip) per batch of tasks. Each is a function because it needs two snapshots in one call: the
-- resource advisory locks are taken by a first statement, and what follows must be read in a
-- snapshot taken after they were granted (READ COMMITTED takes one per statement; a single
-- statement would read in a snapshot taken before it waited for the locks). The claim needs no
-- function: it is one statement in TaskSql.

-- Dispatches a batch of tasks (one for a single dispatch) in the caller's transaction. Tasks are
-- parallel arrays; their resources are flattened (res_task: the 1-based position of the task
-- each resource belongs to). The locks of every resource are taken once, in the global order;
-- created_at is drawn after them, one microsecond apart in the order given, so that conflicting
-- tasks of one batch are ordered as given. A task is inserted already unblocked when nothing
-- earlier conflicts with it (neither a row of the queue nor an earlier task of the batch), so
-- its row is written once; a free task is announced with one notification for the batch.
CREATE FUNCTION brigade_dispatch(
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
    written_ids uuid[];
    written_created timestamptz[];
    written_unblocked timestamptz[];
BEGIN
    PERFORM brigade_lock_resources(res_name, res_exclusive);
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
        SELECT t.*, t0 + (t.ord - 1) * interval '1 microsecond' AS at,
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
        INSERT INTO task_reservation (resource, task_created_at, task_id, exclusive)
        SELECT w.resource, f.at, f.id, w.exclusive
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

-- Records a batch of outcomes of tasks held by one process and releases their resources: the
-- locks of all their resources are taken once, in the global order; each task gets its outcome
-- (or its canceling outcome, if it was moved to canceling meanwhile), its open progress reports
-- the final state, and loses its lock. A task the caller no longer holds is left alone (not in
-- the result). started_at is cleared for a task whose handler never ran (ran = false).
-- A released resource is recorded for the unblocker only when the release can free something:
-- an exclusive row with any row still queued on its resource, a shared row with an exclusive
-- row still queued. Read after the locks and after the deletes, so a conflicting dispatch is
-- either seen here or sees these rows gone itself. The common case, tasks that only share their
-- domain, records nothing and costs no unblock pass. Returns each task written with its state,
-- and on every row whether releases were recorded (then the caller runs an unblock pass, or,
-- given a channel, this call notifies it).
CREATE FUNCTION brigade_finish(
    me uuid, ids uuid[], states text[], if_canceling text[], results text[], errors text[],
    errors_if_canceling text[], ran boolean[], res_name text[], res_exclusive boolean[],
    notify_channel text, notify_payload text)
    RETURNS TABLE (id uuid, state text, released boolean)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    done_ids uuid[];
    done_states text[];
    rel_res text[];
    rel_excl boolean[];
    recorded integer := 0;
BEGIN
    PERFORM brigade_lock_resources(res_name, res_exclusive);
    WITH outcome AS (
        SELECT * FROM unnest(ids, states, if_canceling, results, errors, errors_if_canceling, ran)
                      AS o(id, state, if_canceling, result, error, error_if_canceling, ran)),
    finished AS (
        UPDATE task t
        SET state = CASE WHEN t.state = 'canceling' THEN o.if_canceling ELSE o.state END,
            result = CASE WHEN t.state = 'canceling' THEN NULL ELSE o.result::jsonb END,
            error = CASE WHEN t.state = 'canceling' THEN o.error_if_canceling::jsonb ELSE o.error::jsonb END,
            started_at = CASE WHEN o.ran THEN t.started_at END,
            finished_at = clock_timestamp(),
            app_lock = NULL
        FROM outcome o
        -- "= ANY (ids)" keeps every lookup on an index: joined to the arrays alone, the planner
        -- may hash them against a scan of the whole table
        WHERE t.id = ANY (ids) AND t.id = o.id AND t.app_lock = me AND t.state IN ('waiting', 'running', 'canceling')
        RETURNING t.id, t.state),
    released AS (
        DELETE FROM task_reservation r
        WHERE r.task_id = ANY (ARRAY(SELECT f.id FROM finished f))
        RETURNING r.resource, r.exclusive),
    reports AS (
        UPDATE progress_report p SET state = f.state
        FROM finished f
        WHERE p.task = ANY (ids) AND p.task = f.id AND p.state IN ('waiting', 'running'))
    SELECT (SELECT array_agg(f.id) FROM finished f), (SELECT array_agg(f.state) FROM finished f),
           (SELECT array_agg(r.resource) FROM released r), (SELECT array_agg(r.exclusive) FROM released r)
    INTO done_ids, done_states, rel_res, rel_excl;

    IF rel_res IS NOT NULL THEN
        INSERT INTO reservation_release (resource, exclusive)
        SELECT g.resource, g.exclusive
        FROM (SELECT u.resource, bool_or(u.exclusive) AS exclusive
              FROM unnest(rel_res, rel_excl) AS u(resource, exclusive)
              GROUP BY u.resource) g
        -- two probes, each on its own index (the exclusive one is partial): a single
        -- "g.exclusive OR q.exclusive" would walk every shared row of the domain
        WHERE EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = g.resource AND q.exclusive)
           OR (g.exclusive AND EXISTS (SELECT 1 FROM task_reservation q WHERE q.resource = g.resource));
        GET DIAGNOSTICS recorded = ROW_COUNT;
    END IF;
    IF recorded > 0 AND notify_channel IS NOT NULL THEN
        PERFORM pg_notify(notify_channel, notify_payload);
    END IF;
    RETURN QUERY SELECT d.id, d.state, recorded > 0
                 FROM unnest(done_ids, done_states) AS d(id, state);
END
$$;

-- One step of the unblocker, in one call: when releases are pending, try the unblocker's lock
-- (never wait for it) and turn up to batch releases into unblocked tasks (the candidates of
-- ReservationSql.UNBLOCK_RELEASED, each checked on all its resources), notifying handle when
-- it stamped any. The pending check comes before the lock, in a statement of its own: a caller
-- loops until a step finds nothing pending, and that last look holds no lock, so a process that
-- failed to get the lock (and skipped) always has its release seen by the holder's last look.
-- Returns whether the lock was had (true when nothing was pending), the releases consumed and
-- the tasks stamped.
CREATE FUNCTION brigade_unblock_step(batch integer, notify_channel text, notify_payload text)
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
            ORDER BY r.task_created_at, r.task_id
            LIMIT 1) h),
    candidate AS (
        SELECT head.task_id FROM head WHERE head.exclusive
        UNION
        SELECT r.task_id
        FROM head
        LEFT JOIN LATERAL (
            SELECT x.task_created_at, x.task_id FROM task_reservation x
            WHERE x.resource = head.resource AND x.exclusive
            ORDER BY x.task_created_at, x.task_id
            LIMIT 1) next_exclusive ON true
        JOIN task_reservation r ON r.resource = head.resource AND NOT r.exclusive
        WHERE head.freed_exclusive AND NOT head.exclusive
          AND (next_exclusive.task_id IS NULL
               OR (r.task_created_at, r.task_id) < (next_exclusive.task_created_at, next_exclusive.task_id))),
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
