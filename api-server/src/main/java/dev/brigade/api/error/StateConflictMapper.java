package dev.brigade.api.error;

import dev.brigade.core.error.StateConflictException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The row exists but its state forbids the change: 409. */
@Provider
public class StateConflictMapper implements ExceptionMapper<StateConflictException> {
    @Override
    public Response toResponse(StateConflictException e) {
        return Problem.response(Response.Status.CONFLICT, e.getMessage());
    }
}
