package dev.brigade.api.error;

import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The database connection closed under a request: 503 (see {@link DatabaseUnavailable}). */
@Provider
public class ConnectionClosedMapper implements ExceptionMapper<ClosedConnectionException> {
    @Override
    public Response toResponse(ClosedConnectionException e) {
        return DatabaseUnavailable.response();
    }
}
