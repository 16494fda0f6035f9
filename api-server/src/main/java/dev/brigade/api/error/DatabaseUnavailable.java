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

    static Response response() {
        return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                        "The database cannot be reached right now; try again (a change this request was"
                                + " committing when the connection dropped may have landed)."))
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** A transaction aborted by a deadlock or serialization failure (rolled back whole): retry. */
    static Response conflicted() {
        return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                        "The database aborted this request's transaction to resolve a conflict with concurrent"
                                + " work (nothing of it was committed); try again."))
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }
}
