package dev.brigade.core.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.brigade.core.db.Json;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Signals mode {@code relay}: what the api-server (the relay, holding the one LISTEN session) and
 * its workers say to each other over one WebSocket per worker. One connection carries both ways:
 * the relay must know which workers would claim if woken, so that a dispatch wakes one worker,
 * not the fleet; a worker behind the relay needs no PostgreSQL session of its own.
 *
 * <p>The worker opens {@link #PATH} on a base URL of {@code BRIGADE_RELAY_URL} with the shared
 * secret as {@code Authorization: Bearer <secret>} and its app_status id in {@link #WORKER_HEADER}.
 * Messages are short text frames:
 * <ul>
 * <li>worker to relay: {@code room <n>} — I wait with room for n tasks and claim only when told
 * (0: do not wake me); {@code more} — my claim filled my room, more may be claimable: wake
 * others; {@code pass} — you woke me but I have no room: wake someone else.</li>
 * <li>relay to worker: {@code handle} (claim), {@code unblock} (run an unblock pass),
 * {@code cancel <task id>}, {@code metrics <json>}.</li>
 * </ul>
 */
public final class RelayProtocol {
    public static final String PATH = "/relay/v1/signals";
    public static final String WORKER_HEADER = "Brigade-Worker-Id";
    /** "true" for an auxiliary worker, which never runs the unblocker. */
    public static final String AUXILIARY_HEADER = "Brigade-Worker-Auxiliary";
    /**
     * The handler names the worker runs, a JSON array (non-ASCII escaped): a {@code handle} that
     * names handlers goes to a worker that runs one. Left out (too many names, an older worker):
     * the relay takes it for a worker that runs every name.
     */
    public static final String HANDLERS_HEADER = "Brigade-Worker-Handlers";
    /** The longest handlers header a worker sends (servers take 8 KiB of headers by default). */
    static final int MAX_HANDLERS_HEADER = 4000;
    private static final ObjectWriter ASCII_JSON = Json.MAPPER.writer()
            .with(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
    private static final TypeReference<TreeSet<String>> NAMES = new TypeReference<>() {
    };

    public static final String HANDLE = "handle";
    public static final String UNBLOCK = "unblock";
    public static final String MORE = "more";
    public static final String PASS = "pass";
    private static final String ROOM = "room ";
    private static final String CANCEL = "cancel ";
    private static final String METRICS = "metrics ";

    private RelayProtocol() {
    }

    /** The handlers header for these names; empty when it would be too long to send. */
    public static Optional<String> handlersHeader(Set<String> names) {
        try {
            String header = ASCII_JSON.writeValueAsString(new TreeSet<>(names));
            return header.length() <= MAX_HANDLERS_HEADER ? Optional.of(header) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The names a handlers header lists; empty (the worker runs every name, as far as we know) when absent or unreadable. */
    public static Optional<Set<String>> handlersOf(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Set.copyOf(Json.MAPPER.readValue(header, NAMES)));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static String room(int n) {
        return ROOM + n;
    }

    /** The room a {@code room <n>} message reports; empty for any other message. */
    public static OptionalInt room(String message) {
        if (!message.startsWith(ROOM)) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(message.substring(ROOM.length()).trim());
            return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public static String cancel(String taskId) {
        return CANCEL + taskId;
    }

    /** The task id of a {@code cancel <id>} message. */
    public static Optional<String> cancelOf(String message) {
        return message.startsWith(CANCEL) ? Optional.of(message.substring(CANCEL.length())) : Optional.empty();
    }

    public static String metrics(String json) {
        return METRICS + json;
    }

    /** The queue figures (JSON) of a {@code metrics <json>} message. */
    public static Optional<String> metricsOf(String message) {
        return message.startsWith(METRICS) ? Optional.of(message.substring(METRICS.length())) : Optional.empty();
    }
}
