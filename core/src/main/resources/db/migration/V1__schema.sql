-- Brigade's schema. Migrations are never edited after they land: add V2__… instead.

-- One row per live process (worker or api-server). A row whose heartbeat is older than its
-- ttl belongs to a missing process; deleting it frees the tasks it held (app_lock ON DELETE SET NULL).
CREATE TABLE app_status (
    id             uuid PRIMARY KEY,
    name           text        NOT NULL,             -- pid@host, for people; not unique
    type           text        NOT NULL CHECK (type IN ('worker', 'api')),
    versions       jsonb       NOT NULL DEFAULT '{}',
    ttl            interval    NOT NULL CHECK (ttl > interval '0'),
    last_heartbeat timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_status_type_heartbeat ON app_status (type, last_heartbeat);

CREATE TABLE task_group (
    id                   uuid PRIMARY KEY,
    description          text        NOT NULL DEFAULT '',
    all_tasks_dispatched boolean     NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE task (
    id                 uuid PRIMARY KEY,
    name               text        NOT NULL,
    state              text        NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'skipped', 'running', 'completed', 'failed', 'canceled', 'canceling')),
    args               jsonb       NOT NULL DEFAULT '{}',
    result             jsonb,
    error              jsonb,
    logging_cid        text        NOT NULL,
    -- FIFO order is (created_at, id). Dispatch sets created_at with clock_timestamp() after it holds
    -- the advisory locks of its resources, so conflicting tasks are numbered in commit order.
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    unblocked_at       timestamptz,
    started_at         timestamptz,
    finished_at        timestamptz,
    reserved_resources text[]      NOT NULL DEFAULT '{}',
    immediate          boolean     NOT NULL DEFAULT false,
    deferred           boolean     NOT NULL DEFAULT true,
    domain             text        NOT NULL DEFAULT 'default',
    parent_task        uuid REFERENCES task (id) ON DELETE SET NULL,
    task_group         uuid REFERENCES task_group (id) ON DELETE SET NULL,
    versions           jsonb       NOT NULL DEFAULT '{}',
    -- The task lock: the process that holds the task, null when nobody does.
    app_lock           uuid REFERENCES app_status (id) ON DELETE SET NULL,
    -- The name of the process that claimed it last; kept after the lock is released.
    worker             text,
    CHECK (immediate OR deferred),
    CHECK (unblocked_at IS NULL OR started_at IS NULL OR unblocked_at <= started_at),
    CHECK (started_at IS NULL OR finished_at IS NULL OR started_at <= finished_at)
);

-- The claim: unblocked, unclaimed, incomplete tasks, immediate first, then FIFO.
CREATE INDEX task_claimable ON task (immediate DESC, created_at, id)
    WHERE state IN ('waiting', 'running', 'canceling') AND unblocked_at IS NOT NULL AND app_lock IS NULL;
-- Counts and scans of incomplete tasks stay cheap with millions of finished ones.
CREATE INDEX task_incomplete ON task (state, created_at)
    WHERE state IN ('waiting', 'running', 'canceling');
-- Newest first listing and time filters.
CREATE INDEX task_created ON task (created_at DESC, id DESC);
CREATE INDEX task_finished ON task (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX task_reserved_resources ON task USING gin (reserved_resources);
-- Foreign keys whose parent rows get deleted (ON DELETE SET NULL must not scan the table).
CREATE INDEX task_app_lock ON task (app_lock) WHERE app_lock IS NOT NULL;
CREATE INDEX task_parent ON task (parent_task) WHERE parent_task IS NOT NULL;
CREATE INDEX task_group_member ON task (task_group) WHERE task_group IS NOT NULL;

-- One row per (resource, incomplete task): the reservation queue of each resource in FIFO order.
-- A task is free when none of its rows has an earlier conflicting row on the same resource, which
-- is two index probes per resource whatever the depth of the queue.
CREATE TABLE task_reservation (
    resource        text        NOT NULL,
    task_created_at timestamptz NOT NULL,
    task_id         uuid        NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    exclusive       boolean     NOT NULL,
    PRIMARY KEY (resource, task_created_at, task_id)
);
CREATE INDEX task_reservation_exclusive ON task_reservation (resource, task_created_at, task_id) WHERE exclusive;
CREATE INDEX task_reservation_task ON task_reservation (task_id);

-- Resources released by finished tasks, waiting for the unblocker to turn them into candidates.
CREATE TABLE reservation_release (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource  text    NOT NULL,
    exclusive boolean NOT NULL
);

CREATE TABLE progress_report (
    id         uuid PRIMARY KEY,
    task       uuid        NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    message    text        NOT NULL,
    code       text        NOT NULL,
    state      text        NOT NULL DEFAULT 'running'
        CHECK (state IN ('waiting', 'skipped', 'running', 'completed', 'failed', 'canceled', 'canceling')),
    total      integer,
    done       integer     NOT NULL DEFAULT 0,
    suffix     text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (task, code)
);

CREATE TABLE task_schedule (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL UNIQUE,
    task_name         text        NOT NULL,
    args              jsonb       NOT NULL DEFAULT '{}',
    dispatch_interval interval CHECK (dispatch_interval IS NULL OR dispatch_interval > interval '0'),
    next_dispatch     timestamptz,
    enabled           boolean     NOT NULL DEFAULT true,
    last_task         uuid REFERENCES task (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_schedule_due ON task_schedule (next_dispatch) WHERE enabled AND next_dispatch IS NOT NULL;

-- Janitor duties: each is done by one process at a time, no more often than its interval,
-- whatever the size of the fleet.
CREATE TABLE janitor_duty (
    name     text PRIMARY KEY,
    next_run timestamptz NOT NULL DEFAULT now()
);
INSERT INTO janitor_duty (name) VALUES ('reap-missing-processes'), ('dispatch-schedules'), ('queue-metrics');

-- Takes the transaction-level advisory locks of a task's resources in one global order (by key),
-- exclusive for exclusive rows and shared for shared ones, so that conflicting dispatches and
-- completions serialise while tasks that only share a resource never wait for each other.
CREATE FUNCTION brigade_lock_resources(resources text[], exclusive boolean[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k record;
    n integer := 0;
BEGIN
    FOR k IN
        SELECT hashtextextended(u.resource, 0) AS key, bool_or(u.excl) AS excl
        FROM unnest(resources, exclusive) AS u(resource, excl)
        GROUP BY 1
        ORDER BY 1
    LOOP
        IF k.excl THEN
            PERFORM pg_advisory_xact_lock(k.key);
        ELSE
            PERFORM pg_advisory_xact_lock_shared(k.key);
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- True when no earlier incomplete task conflicts with this one: for an exclusive row, no earlier
-- row on that resource at all; for a shared row, no earlier exclusive row.
CREATE FUNCTION brigade_task_is_free(t uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
SELECT NOT EXISTS (
    SELECT 1
    FROM task_reservation mine
    WHERE mine.task_id = t
      AND CASE
              WHEN mine.exclusive THEN EXISTS (
                  SELECT 1 FROM task_reservation other
                  WHERE other.resource = mine.resource
                    AND (other.task_created_at, other.task_id) < (mine.task_created_at, mine.task_id))
              ELSE EXISTS (
                  SELECT 1 FROM task_reservation other
                  WHERE other.resource = mine.resource
                    AND other.exclusive
                    AND (other.task_created_at, other.task_id) < (mine.task_created_at, mine.task_id))
          END)
$$;

-- A version as its numeric dot segments, qualifiers (-SNAPSHOT) dropped and trailing zeros
-- trimmed, so that '1.2' and '1.2.0' compare equal.
CREATE FUNCTION brigade_version_parts(v text) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    parts integer[] := '{}';
    segment text;
BEGIN
    FOREACH segment IN ARRAY string_to_array(split_part(split_part(coalesce(v, ''), '-', 1), '+', 1), '.')
    LOOP
        parts := parts || coalesce(nullif(substring(segment FROM '^[0-9]+'), ''), '0')::integer;
    END LOOP;
    WHILE cardinality(parts) > 0 AND parts[cardinality(parts)] = 0 LOOP
        parts := parts[1:cardinality(parts) - 1];
    END LOOP;
    RETURN parts;
END
$$;

-- True when the available component versions meet every required minimum.
CREATE FUNCTION brigade_versions_satisfied(required jsonb, available jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
SELECT NOT EXISTS (
    SELECT 1
    FROM jsonb_each_text(required) AS r(component, minimum)
    WHERE NOT (available ? r.component
               AND brigade_version_parts(available ->> r.component) >= brigade_version_parts(r.minimum)))
$$;
