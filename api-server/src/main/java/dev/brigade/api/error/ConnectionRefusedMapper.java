package dev.brigade.api.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.net.ConnectException;

/** No database connection could be opened: 503 (see {@link DatabaseUnavailable}). */
@Provider
public class ConnectionRefusedMapper implements ExceptionMapper<ConnectException> {
    @Override
    public Response toResponse(ConnectException e) {
        return DatabaseUnavailable.response();
    }
}
