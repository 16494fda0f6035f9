package dev.brigade.core.error;

/** A part of the request is larger than the contract allows. */
public class PayloadTooLargeException extends RuntimeException {
    private final String field;

    public PayloadTooLargeException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
