package dev.brigade.core.db;

/**
 * The statements behind the task listing. A listing is {@link #SELECT_PAGE} or {@link #COUNT}
 * followed by zero or more of the fixed condition fragments below, joined with AND by
 * {@link TaskListQuery}. Each fragment holds one {@code %d} that becomes its parameter number
 * ($n); values are always bound, never spliced into the text.
 */
public final class TaskListSql {
    private TaskListSql() {
    }

    /** The page, newest first (FIFO order reversed), on the task_created index. */
    static final String SELECT_PAGE = "SELECT " + TaskSql.COLUMNS + " FROM task WHERE ";
    static final String ORDER_AND_PAGE = " ORDER BY task.created_at DESC, task.id DESC LIMIT $%d OFFSET $%d";
    static final String COUNT = "SELECT count(*) AS count FROM task WHERE ";

    /** Condition fragments; {@link #ALL} stands in when there is no condition. */
    static final String ALL = "true";
    static final String STATE_IN = "task.state = ANY($%d::text[])";
    static final String NAME_IS = "task.name = $%d::text";
    /** strpos rather than LIKE, so % and _ in the value match themselves. */
    static final String NAME_CONTAINS = "strpos(task.name, $%d::text) > 0";
    static final String WORKER_IS = "task.worker = $%d";
    /** Held in any mode: as its name (exclusive) or as shared:name. Served by the GIN index. */
    static final String HOLDS_RESOURCE = "task.reserved_resources && ARRAY[$%1$d::text, 'shared:' || $%1$d::text]";
    static final String HOLDS_EXCLUSIVE = "task.reserved_resources @> ARRAY[$%d::text]";
    static final String HOLDS_SHARED = "task.reserved_resources @> ARRAY['shared:' || $%d::text]";
    static final String TASK_GROUP_IS = "task.task_group = $%d";
    static final String PARENT_TASK_IS = "task.parent_task = $%d";
    static final String DOMAIN_IS = "task.domain = $%d";
    static final String CREATED_FROM = "task.created_at >= $%d";
    static final String CREATED_TO = "task.created_at <= $%d";
    static final String STARTED_FROM = "task.started_at >= $%d";
    static final String STARTED_TO = "task.started_at <= $%d";
    static final String FINISHED_FROM = "task.finished_at >= $%d";
    static final String FINISHED_TO = "task.finished_at <= $%d";

    /** The children of a page of tasks in one round trip. $1 parent ids. */
    public static final String SELECT_CHILD_IDS_OF = """
            SELECT parent_task, id FROM task WHERE parent_task = ANY($1::uuid[])
            ORDER BY created_at, id""";

    /** The progress reports of a page of tasks in one round trip. $1 task ids. */
    public static final String SELECT_PROGRESS_OF = """
            SELECT task, message, code, state, total, done, suffix FROM progress_report
            WHERE task = ANY($1::uuid[]) ORDER BY created_at, code""";
}
