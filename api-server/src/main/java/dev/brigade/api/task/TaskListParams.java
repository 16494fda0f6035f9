package dev.brigade.api.task;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.paging.PageRequest;
import dev.brigade.api.query.QueryValues;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.task.TaskFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The query of GET /api/v1/tasks, checked as a whole: every bad value is reported at once. */
public record TaskListParams(TaskFilter filter, FieldSelection fields, PageRequest page) {
    static final Set<String> PARAMETERS = Set.of("state", "state__in", "name", "name__contains", "worker",
            "reserved_resources", "exclusive_resources", "shared_resources", "task_group", "parent_task", "domain",
            "created_at__gte", "created_at__lte", "started_at__gte", "started_at__lte", "finished_at__gte",
            "finished_at__lte", "fields", "exclude_fields");

    public static TaskListParams read(UriInfo uri, ApiConfig config) {
        MultivaluedMap<String, String> q = uri.getQueryParameters();
        List<FieldError> errors = new ArrayList<>();
        PageRequest.rejectUnknown(q, PARAMETERS, errors);
        PageRequest page = PageRequest.read(uri, config, errors);
        TaskFilter filter = new TaskFilter.Builder()
                .state(QueryValues.state(q.getFirst("state"), "state", errors))
                .statesIn(QueryValues.states(q.getFirst("state__in"), "state__in", errors))
                .name(q.getFirst("name"))
                .nameContains(q.getFirst("name__contains"))
                .worker(q.getFirst("worker"))
                .reservedResource(q.getFirst("reserved_resources"))
                .exclusiveResource(q.getFirst("exclusive_resources"))
                .sharedResource(q.getFirst("shared_resources"))
                .taskGroup(QueryValues.uuid(q.getFirst("task_group"), "task_group", errors))
                .parentTask(QueryValues.uuid(q.getFirst("parent_task"), "parent_task", errors))
                .domain(q.getFirst("domain"))
                .createdBetween(QueryValues.time(q.getFirst("created_at__gte"), "created_at__gte", errors),
                        QueryValues.time(q.getFirst("created_at__lte"), "created_at__lte", errors))
                .startedBetween(QueryValues.time(q.getFirst("started_at__gte"), "started_at__gte", errors),
                        QueryValues.time(q.getFirst("started_at__lte"), "started_at__lte", errors))
                .finishedBetween(QueryValues.time(q.getFirst("finished_at__gte"), "finished_at__gte", errors),
                        QueryValues.time(q.getFirst("finished_at__lte"), "finished_at__lte", errors))
                .build();
        FieldSelection fields = null;
        try {
            fields = FieldSelection.parse(q.getFirst("fields"), q.getFirst("exclude_fields"), TaskView.FIELDS);
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new TaskListParams(filter, fields, page);
    }
}
