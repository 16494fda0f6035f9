package dev.brigade.api.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.StatusStore;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** GET /api/v1/status: what runs, whether the database answers, and the queue at a glance. */
public record StatusView(
        Map<String, String> versions,
        List<ProcessView> onlineWorkers,
        List<ProcessView> onlineApiApps,
        DatabaseView database,
        TasksView tasks) {

    public record ProcessView(String name, OffsetDateTime lastHeartbeat, JsonNode versions) {
        static ProcessView of(StatusStore.OnlineProcess process) {
            return new ProcessView(process.name(), process.lastHeartbeat(), process.versions());
        }
    }

    public record DatabaseView(boolean connected) {
    }

    /** Null in the answer when the database does not answer. */
    public record TasksView(long waiting, long unblockedUnclaimed, long running, double oldestUnclaimedAgeSeconds) {
        static TasksView of(StatusStore.QueueFigures figures) {
            return new TasksView(figures.waiting(), figures.unblockedUnclaimed(), figures.running(),
                    figures.oldestUnclaimedAgeSeconds());
        }
    }
}
