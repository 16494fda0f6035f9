package dev.brigade.core.signal;

import java.util.Optional;
import java.util.OptionalInt;

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

    public static final String HANDLE = "handle";
    public static final String UNBLOCK = "unblock";
    public static final String MORE = "more";
    public static final String PASS = "pass";
    private static final String ROOM = "room ";
    private static final String CANCEL = "cancel ";
    private static final String METRICS = "metrics ";

    private RelayProtocol() {
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
