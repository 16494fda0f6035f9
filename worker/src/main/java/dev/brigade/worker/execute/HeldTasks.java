package dev.brigade.worker.execute;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one record of the tasks this process holds, from the claim until their outcome is written:
 * queued for a handler slot, in their handler, or waiting for the completer. A task leaves only
 * when its outcome is in the database (or the database says this process no longer holds it).
 */
@ApplicationScoped
public class HeldTasks {
    private final Map<UUID, TaskExecution> held = new ConcurrentHashMap<>();

    void add(TaskExecution execution) {
        held.put(execution.taskId(), execution);
    }

    void remove(UUID id) {
        held.remove(id);
    }

    public Optional<TaskExecution> find(UUID id) {
        return Optional.ofNullable(held.get(id));
    }

    public Collection<UUID> ids() {
        return List.copyOf(held.keySet());
    }

    public int size() {
        return held.size();
    }

    public boolean isEmpty() {
        return held.isEmpty();
    }

    /** Tasks whose handler has not returned yet (queued or running): what the claim limit counts. */
    public int unfinished() {
        int n = 0;
        for (TaskExecution execution : held.values()) {
            if (execution.phase() != TaskExecution.Phase.COMPLETING) {
                n++;
            }
        }
        return n;
    }

    /** Tasks in their handler right now. */
    public int inHandler() {
        int n = 0;
        for (TaskExecution execution : held.values()) {
            if (execution.phase() == TaskExecution.Phase.HANDLER) {
                n++;
            }
        }
        return n;
    }
}
