-- The handler names a process runs, written by a worker when it registers: an object of
-- name -> {"may_run_immediately": bool}. The api-server accepts a dispatch whose name a live
-- worker advertises here, so it needs none of the handlers' code. A row written by an older
-- worker (or by an api-server, whose own handlers it knows itself) advertises nothing.
-- A constant default: adding the column rewrites no row.
ALTER TABLE app_status
    ADD COLUMN handlers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(handlers) = 'object');
