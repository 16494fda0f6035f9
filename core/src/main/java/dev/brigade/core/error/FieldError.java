package dev.brigade.core.error;

/** One invalid field of a request, as the API reports it. */
public record FieldError(String field, String message) {
}
