package dev.brigade.core.error;

/** No row has that id (a malformed id counts as unknown). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String what) {
        super(what + " not found");
    }
}
