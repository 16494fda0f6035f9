-- A canceled task group (all_tasks_dispatched) takes no new task, on every dispatch path (the
-- api-server, TransactionalDispatcher, JdbcDispatcher, a handler's children). The group's row is
-- read FOR SHARE: a cancel marking it (UPDATE in the cancel's transaction, before it cancels the
-- group's tasks) waits for this insert's transaction, whose task it then cancels; an insert after
-- the mark waits for the cancel and is refused. The error is a foreign key violation naming
-- constraint task_group_closed, so that the callers map it as they map an unknown group
-- (DispatchRules.foreignKeyViolation): a 400 on task_group, nothing written.
CREATE FUNCTION brigade_task_group_open() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    closed boolean;
BEGIN
    SELECT all_tasks_dispatched INTO closed FROM task_group WHERE id = NEW.task_group FOR SHARE;
    IF closed THEN
        RAISE EXCEPTION 'task group % is canceled: it takes no new tasks', NEW.task_group
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'task_group_closed';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER task_group_open
    BEFORE INSERT ON task
    FOR EACH ROW
    WHEN (NEW.task_group IS NOT NULL)
EXECUTE FUNCTION brigade_task_group_open();
