package dev.brigade.core.task;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The states of a task, stored as their lowercase name under a CHECK constraint.
 * The transitions are drawn in docs/task-states.md.
 */
public enum TaskState {
    WAITING, SKIPPED, RUNNING, COMPLETED, FAILED, CANCELED, CANCELING;

    public static final Set<TaskState> FINAL = EnumSet.of(COMPLETED, FAILED, CANCELED, SKIPPED);
    public static final Set<TaskState> INCOMPLETE = EnumSet.of(WAITING, RUNNING, CANCELING);

    /** The name stored in the database and shown by the API. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    public static Optional<TaskState> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.dbName().equals(value)).findFirst();
    }

    public static TaskState fromDb(String value) {
        return parse(value).orElseThrow(() -> new IllegalStateException("unknown task state " + value));
    }

    /** Whether a task may move from this state to {@code next}. */
    public boolean canMoveTo(TaskState next) {
        return switch (this) {
            case WAITING -> next == RUNNING || next == CANCELING || next == SKIPPED
                    // a claimed task canceled before it ran, or the immediate path refusing it
                    || next == CANCELED;
            case RUNNING -> next == COMPLETED || next == FAILED || next == CANCELING;
            case CANCELING -> next == CANCELED || next == FAILED;
            case COMPLETED, FAILED, CANCELED, SKIPPED -> false;
        };
    }
}
