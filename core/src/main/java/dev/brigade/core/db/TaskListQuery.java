package dev.brigade.core.db;

import dev.brigade.core.task.TaskFilter;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link TaskFilter} into the text and parameters of the listing statements. The text is
 * assembled only from the fixed fragments of {@link TaskListSql}, each numbered with its
 * parameter position; every value the caller gave travels as a bound parameter.
 */
public final class TaskListQuery {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    private TaskListQuery() {
    }

    public static TaskListQuery of(TaskFilter filter) {
        TaskListQuery query = new TaskListQuery();
        query.addStates(filter.states());
        query.addStates(filter.statesIn());
        query.add(TaskListSql.NAME_IS, filter.name());
        query.add(TaskListSql.NAME_CONTAINS, filter.nameContains());
        query.add(TaskListSql.WORKER_IS, filter.worker());
        query.add(TaskListSql.HOLDS_RESOURCE, filter.reservedResource());
        query.add(TaskListSql.HOLDS_EXCLUSIVE, filter.exclusiveResource());
        query.add(TaskListSql.HOLDS_SHARED, filter.sharedResource());
        query.add(TaskListSql.TASK_GROUP_IS, filter.taskGroup());
        query.add(TaskListSql.PARENT_TASK_IS, filter.parentTask());
        query.add(TaskListSql.DOMAIN_IS, filter.domain());
        query.add(TaskListSql.CREATED_FROM, filter.createdFrom());
        query.add(TaskListSql.CREATED_TO, filter.createdTo());
        query.add(TaskListSql.STARTED_FROM, filter.startedFrom());
        query.add(TaskListSql.STARTED_TO, filter.startedTo());
        query.add(TaskListSql.FINISHED_FROM, filter.finishedFrom());
        query.add(TaskListSql.FINISHED_TO, filter.finishedTo());
        return query;
    }

    /** The statement counting every matching task. */
    public String countSql() {
        return TaskListSql.COUNT + where();
    }

    public Tuple countParams() {
        return Tuple.tuple(new ArrayList<>(params));
    }

    /** The statement reading one page, newest first. */
    public String pageSql() {
        return TaskListSql.SELECT_PAGE + where()
                + TaskListSql.ORDER_AND_PAGE.formatted(params.size() + 1, params.size() + 2);
    }

    public Tuple pageParams(int limit, int offset) {
        List<Object> all = new ArrayList<>(params);
        all.add(limit);
        all.add(offset);
        return Tuple.tuple(all);
    }

    private String where() {
        return conditions.isEmpty() ? TaskListSql.ALL : String.join(" AND ", conditions);
    }

    private void addStates(List<TaskState> states) {
        if (states != null) {
            add(TaskListSql.STATE_IN, states.stream().map(TaskState::dbName).toArray(String[]::new));
        }
    }

    private void add(String fragment, Object value) {
        if (value != null) {
            params.add(value);
            conditions.add(fragment.formatted(params.size()));
        }
    }
}
