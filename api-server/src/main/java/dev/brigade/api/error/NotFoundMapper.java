package dev.brigade.api.error;

import dev.brigade.core.error.NotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An unknown (or malformed) id: 404. */
@Provider
public class NotFoundMapper implements ExceptionMapper<NotFoundException> {
    @Override
    public Response toResponse(NotFoundException e) {
        return Problem.response(Response.Status.NOT_FOUND, e.getMessage());
    }
}
