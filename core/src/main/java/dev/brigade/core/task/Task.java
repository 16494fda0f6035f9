package dev.brigade.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.reservation.Reservations;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One row of the task table, as the programs read it (args are read only by the runner). */
public record Task(
        UUID id,
        String name,
        TaskState state,
        JsonNode args,
        JsonNode result,
        JsonNode error,
        String loggingCid,
        OffsetDateTime createdAt,
        OffsetDateTime unblockedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        List<String> reservedResources,
        boolean immediate,
        boolean deferred,
        String domain,
        UUID parentTask,
        UUID taskGroup,
        JsonNode versions,
        UUID appLock,
        String worker) {

    public Reservations reservations() {
        return Reservations.decode(reservedResources, domain);
    }
}
