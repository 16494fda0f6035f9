-- The built-in retention schedule: purges completed tasks older than brigade.retention, daily.
-- Its args are relative (older_than), so every run purges up to its own time. Workers keep its
-- age and enabled flag in step with their brigade.retention setting at start.
INSERT INTO task_schedule (id, name, task_name, args, dispatch_interval, next_dispatch, enabled)
VALUES ('00000000-0000-0000-0000-00000000a7e1', 'brigade.retention', 'brigade.purge',
        '{"older_than": "P30D", "states": ["completed"]}', interval '1 day', now(), true)
ON CONFLICT (name) DO NOTHING;
