package dev.brigade.api.error;

import jakarta.ws.rs.core.Response;

/**
 * The database could not be reached, or dropped the connection mid-request (PostgreSQL or
 * PgBouncer restarting, a network blip): 503 with Retry-After, so clients and load balancers retry
 * instead of treating it as a server bug (500).
 */
final class DatabaseUnavailable {
    static final String RETRY_AFTER_SECONDS = "1";

    private DatabaseUnavailable() {
    }

    /** Worded for a request whose method is unknown (neither a read nor a change is assumed). */
    static Response response() {
        return response(null);
    }

    /**
     * Worded per method: a read (GET, HEAD, OPTIONS) commits nothing, so it is safe to repeat; a
     * change may have landed if the connection dropped while it was committing.
     */
    static Response response(jakarta.ws.rs.core.Request request) {
        String method;
        try {
            method = request == null ? null : request.getMethod();
        } catch (RuntimeException outsideARequest) {
            method = null;
        }
        return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE, detail(method)))
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    static String detail(String method) {
        String start = "The database cannot be reached right now; try again";
        if (method == null) {
            return start + " (a read changed nothing; a change whose connection dropped while it was committing"
                    + " may have landed: read it back before repeating it).";
        }
        return switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> start + " (this request only reads: nothing was changed).";
            default -> start + " (if the connection dropped while this " + method.toUpperCase(java.util.Locale.ROOT)
                    + " was committing, its change may have landed: read it back before repeating it).";
        };
    }

    /** A transaction aborted by a deadlock or serialization failure (rolled back whole): retry. */
    static Response conflicted() {
        return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                        "The database aborted this request's transaction to resolve a conflict with concurrent"
                                + " work (nothing of it was committed); try again."))
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }
}
