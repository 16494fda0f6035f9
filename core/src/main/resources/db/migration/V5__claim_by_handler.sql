-- A worker claims only the waiting tasks whose handler it runs (TaskSql.CLAIM_BATCH, the dues'
-- claimable in AppStatusSql). Walking task_claimable and filtering on the name costs one heap
-- fetch per claimable task of another name ahead of the first of mine: with 100k claimable tasks
-- of a name this worker does not run, 50-100 ms per claim and per idle heartbeat (measured on
-- PostgreSQL 17). These two indexes keep the claim's cost independent of the queue again:
-- the waiting tasks by name, each name walked in the claim's own order (immediate first, then
-- FIFO), and the tasks any worker may take to finish (canceling: finished canceled; running
-- without a holder: its worker went missing, finished failed), which need no handler.
-- task_claimable (V1) stays: workers of an older release still claim through it during an upgrade.
CREATE INDEX task_claimable_by_name ON task (name, immediate DESC, created_at, id)
    WHERE state = 'waiting' AND unblocked_at IS NOT NULL AND app_lock IS NULL;
CREATE INDEX task_claimable_to_finish ON task (immediate DESC, created_at, id)
    WHERE state IN ('running', 'canceling') AND unblocked_at IS NOT NULL AND app_lock IS NULL;
