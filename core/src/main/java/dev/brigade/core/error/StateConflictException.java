package dev.brigade.core.error;

/** The row exists but its state forbids the change (e.g. deleting an incomplete task). */
public class StateConflictException extends RuntimeException {
    public StateConflictException(String message) {
        super(message);
    }
}
