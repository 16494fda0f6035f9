package dev.brigade.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A task as the API shows it (API.md, "Task body"). Args are never shown. */
public record TaskView(
        UUID id,
        String href,
        String name,
        String state,
        String loggingCid,
        OffsetDateTime createdAt,
        OffsetDateTime unblockedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        String worker,
        List<String> reservedResources,
        List<String> exclusiveResources,
        List<String> sharedResources,
        boolean immediate,
        boolean deferred,
        String domain,
        UUID parentTask,
        UUID taskGroup,
        List<UUID> childTasks,
        List<ProgressView> progressReports,
        JsonNode result,
        JsonNode error) {

    public static final String PATH = "/api/v1/tasks";

    /** Every key of the body, for checking fields= and exclude_fields=. */
    public static final Set<String> FIELDS = Set.of("id", "href", "name", "state", "logging_cid", "created_at",
            "unblocked_at", "started_at", "finished_at", "worker", "reserved_resources", "exclusive_resources",
            "shared_resources", "immediate", "deferred", "domain", "parent_task", "task_group", "child_tasks",
            "progress_reports", "result", "error");

    /** One progress report of a task; state is one of the task states. */
    public record ProgressView(String message, String code, String state, Integer total, int done, String suffix) {
        static ProgressView of(ProgressReport report) {
            return new ProgressView(report.message(), report.code(), report.state().dbName(), report.total(),
                    report.done(), report.suffix());
        }
    }

    public static String href(UUID id) {
        return PATH + "/" + id;
    }

    static TaskView of(Task task, List<UUID> children, List<ProgressReport> reports) {
        Reservations reservations = task.reservations();
        return new TaskView(task.id(), href(task.id()), task.name(), task.state().dbName(), task.loggingCid(),
                task.createdAt(), task.unblockedAt(), task.startedAt(), task.finishedAt(), task.worker(),
                task.reservedResources(), reservations.exclusiveNames(), reservations.sharedNames(),
                task.immediate(), task.deferred(), task.domain(), task.parentTask(), task.taskGroup(),
                children, reports.stream().map(ProgressView::of).toList(), task.result(), task.error());
    }
}
