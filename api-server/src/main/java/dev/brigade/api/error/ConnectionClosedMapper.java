package dev.brigade.api.error;

import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The database connection closed under a request: 503 (see {@link DatabaseUnavailable}). */
@Provider
public class ConnectionClosedMapper implements ExceptionMapper<ClosedConnectionException> {
    /** The request being answered (null when built outside one, as in a unit test). */
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.Request request;

    @Override
    public Response toResponse(ClosedConnectionException e) {
        return DatabaseUnavailable.response(request);
    }
}
