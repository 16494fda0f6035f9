package dev.brigade.core.signal;

import java.util.Optional;
import java.util.UUID;

/**
 * The payload of {@link Signal#CANCEL}: the task id, then (since the relay) a space and the id of
 * the process that holds it, so that a relay sends the cancel to that worker alone. A payload
 * of the id alone still parses (holder unknown: every listener checks whether it holds the task).
 */
public record CancelSignal(UUID task, Optional<UUID> holder) {

    public String payload() {
        return holder.map(h -> task + " " + h).orElse(task.toString());
    }

    /** Empty when the payload is no task id. */
    public static Optional<CancelSignal> parse(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        String[] parts = payload.trim().split(" ", 2);
        try {
            UUID task = UUID.fromString(parts[0]);
            Optional<UUID> holder = parts.length == 2 ? Optional.of(UUID.fromString(parts[1].trim())) : Optional.empty();
            return Optional.of(new CancelSignal(task, holder));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
