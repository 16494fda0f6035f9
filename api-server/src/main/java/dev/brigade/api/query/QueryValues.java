package dev.brigade.api.query;

import dev.brigade.core.error.FieldError;
import dev.brigade.core.task.TaskState;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads typed values out of query parameters; each bad value adds an error naming its parameter. */
public final class QueryValues {
    /** UUID.fromString accepts odd short forms like 1-1-1-1-1; the API only takes the canonical one. */
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private QueryValues() {
    }

    /** A canonical UUID, else empty (callers decide whether that is a 400 or a 404). */
    public static Optional<UUID> uuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches() ? Optional.of(UUID.fromString(text)) : Optional.empty();
    }

    public static UUID uuid(String raw, String name, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        Optional<UUID> id = uuid(raw.trim());
        if (id.isEmpty()) {
            errors.add(new FieldError(name, "must be a uuid"));
        }
        return id.orElse(null);
    }

    /**
     * An ISO-8601 time with an offset ({@code Z} or {@code +01:00}). An unencoded {@code +} in a
     * query arrives as a space; it is read back as the {@code +} it was meant to be.
     */
    public static OffsetDateTime time(String raw, String name, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim().replace(' ', '+'), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 time with an offset, e.g. 2026-11-23T07:12:53.103000Z"));
            return null;
        }
    }

    public static TaskState state(String raw, String name, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        Optional<TaskState> state = TaskState.parse(raw.trim());
        if (state.isEmpty()) {
            errors.add(new FieldError(name, "'" + raw + "' is not a task state; the states are "
                    + Arrays.stream(TaskState.values()).map(TaskState::dbName).toList()));
        }
        return state.orElse(null);
    }

    /** A comma list of states; an empty list or an unknown state is an error. */
    public static List<TaskState> states(String raw, String name, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        List<TaskState> states = new ArrayList<>();
        int before = errors.size();
        for (String part : raw.split(",", -1)) {
            TaskState state = state(part, name, errors);
            if (state != null) {
                states.add(state);
            }
        }
        if (states.isEmpty() && errors.size() == before) {
            errors.add(new FieldError(name, "must name at least one state"));
        }
        return errors.size() == before ? states : null;
    }
}
