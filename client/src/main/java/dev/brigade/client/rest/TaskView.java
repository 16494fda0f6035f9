package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A task as the API shows it (API.md, "Task body"; args are never shown). Fields the API adds
 * later are ignored; a field left out with {@code fields=} is {@code null}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
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
        Boolean immediate,
        Boolean deferred,
        String domain,
        UUID parentTask,
        UUID taskGroup,
        List<UUID> childTasks,
        List<ProgressView> progressReports,
        JsonNode result,
        JsonNode error) {

    /** completed, failed, canceled or skipped. */
    public boolean isFinal() {
        return switch (String.valueOf(state)) {
            case "completed", "failed", "canceled", "skipped" -> true;
            default -> false;
        };
    }

    /** One progress report; {@code state} is one of the task states. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ProgressView(String message, String code, String state, Integer total, Integer done, String suffix) {
    }
}
