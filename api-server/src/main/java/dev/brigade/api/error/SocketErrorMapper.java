package dev.brigade.api.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.net.SocketException;

/**
 * A socket error under a request: connection refused or reset. The api-server's only outgoing
 * sockets are its database connections, so it is the database that is out of reach: 503 (see
 * {@link DatabaseUnavailable}).
 */
@Provider
public class SocketErrorMapper implements ExceptionMapper<SocketException> {
    /** The request being answered (null when built outside one, as in a unit test). */
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.Request request;

    @Override
    public Response toResponse(SocketException e) {
        return DatabaseUnavailable.response(request);
    }
}
