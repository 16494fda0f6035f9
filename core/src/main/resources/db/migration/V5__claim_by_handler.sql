-- A worker claims only the waiting tasks whose handler it runs (TaskSql.CLAIM_BATCH, the dues'
-- claimable in AppStatusSql). Walking task_claimable and filtering on the name costs one heap
-- fetch per claimable task of another name ahead of the first of mine: with 100k claimable tasks
-- of a name this worker does not run, 50-100 ms per claim and per idle heartbeat (measured on
-- PostgreSQL 17). These two indexes keep the claim's cost independent of the queue again:
-- the waiting tasks by name, each name walked in the claim's own order (immediate first, then
-- FIFO), and the tasks any worker may take to finish (canceling: finished canceled; running
-- without a holder: its worker went missing, finished failed), which need no handler.
CREATE INDEX task_claimable_by_name ON task (name, immediate DESC, created_at, id)
    WHERE state = 'waiting' AND unblocked_at IS NOT NULL AND app_lock IS NULL;
CREATE INDEX task_claimable_to_finish ON task (immediate DESC, created_at, id)
    WHERE state IN ('running', 'canceling') AND unblocked_at IS NOT NULL AND app_lock IS NULL;
-- task_claimable (V1) goes: nothing of this version reads it, and beside the index by name the
-- planner may still walk it with a filter on the name (seen on a freshly filled queue without
-- statistics: 35 ms per name walked on 20k tasks, the claim 60 ms instead of ~2), and every
-- claimable task would pay one more index entry. Workers of an older release claim through a
-- scan while an upgrade rolls (slower, still correct) until they are replaced.
DROP INDEX task_claimable;
