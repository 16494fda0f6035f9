package dev.brigade.api.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.AppStatusListStore;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A worker process as GET /api/v1/workers shows it. */
public record WorkerView(String name, String type, OffsetDateTime lastHeartbeat, boolean online, UUID currentTask,
                         JsonNode versions) {
    static WorkerView of(AppStatusListStore.ProcessRow row) {
        return new WorkerView(row.name(), row.type(), row.lastHeartbeat(), row.online(), row.currentTask(),
                row.versions());
    }
}
