package dev.brigade.core.reservation;

/** One resource a task holds, exclusively or shared. */
public record Reservation(String resource, boolean exclusive) {
    public static final String SHARED_PREFIX = "shared:";

    /** The form stored in {@code task.reserved_resources}: shared ones carry the {@code shared:} prefix. */
    public String encoded() {
        return exclusive ? resource : SHARED_PREFIX + resource;
    }

    public static Reservation decode(String encoded) {
        return encoded.startsWith(SHARED_PREFIX)
                ? new Reservation(encoded.substring(SHARED_PREFIX.length()), false)
                : new Reservation(encoded, true);
    }
}
