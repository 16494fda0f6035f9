package dev.brigade.core.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.brigade.core.db.Json;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The payload of {@link Signal#HANDLE}: {@code handle} alone (something is claimable, by any
 * worker: a canceling task, a missing worker's, one whose name the sender does not know), or
 * {@code handle} followed by a JSON array of handler names (the newly claimable tasks are of
 * these names: only a worker that runs one of them can claim them). A relay wakes a worker that
 * runs one of the names; a LISTEN-mode worker that runs none of them does not claim. Too many
 * names for a short payload send {@code handle} alone: a wake-up too many costs a claim, never a
 * task.
 */
public record HandleSignal(Set<String> names) {
    /** The longest names part a payload carries (NOTIFY takes 8,000 bytes; most dispatches name one). */
    static final int MAX_NAMES_BYTES = 2000;
    private static final String PREFIX = Signal.HANDLE.payload();
    private static final TypeReference<TreeSet<String>> NAMES = new TypeReference<>() {
    };

    public HandleSignal {
        names = Set.copyOf(names);
    }

    /** Claimable by any worker. */
    public static HandleSignal any() {
        return new HandleSignal(Set.of());
    }

    /** Tasks of these handler names became claimable. */
    public static HandleSignal of(Collection<String> names) {
        return new HandleSignal(new TreeSet<>(names));
    }

    /** Whether a worker that runs {@code handlers} can claim what this announces. */
    public boolean concerns(Set<String> handlers) {
        return names.isEmpty() || names.stream().anyMatch(handlers::contains);
    }

    public String payload() {
        if (names.isEmpty()) {
            return PREFIX;
        }
        String list = Json.write(new TreeSet<>(names));
        return list.getBytes(StandardCharsets.UTF_8).length > MAX_NAMES_BYTES ? PREFIX : PREFIX + " " + list;
    }

    /** Empty when the payload is not a handle signal; a handle with an unreadable names part concerns everyone. */
    public static Optional<HandleSignal> parse(String payload) {
        if (payload == null || !payload.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = payload.substring(PREFIX.length());
        if (rest.isBlank()) {
            return Optional.of(any());
        }
        if (!rest.startsWith(" ")) {
            return Optional.empty();
        }
        try {
            TreeSet<String> names = Json.MAPPER.readValue(rest.trim(), NAMES);
            return Optional.of(new HandleSignal(names));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.of(any());
        }
    }
}
