package dev.brigade.api.error;

import dev.brigade.core.error.InvalidRequestException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A request that breaks a rule of the contract: 400 naming every bad field. */
@Provider
public class InvalidRequestMapper implements ExceptionMapper<InvalidRequestException> {
    @Override
    public Response toResponse(InvalidRequestException e) {
        return Problem.response(Response.Status.BAD_REQUEST, "The request is invalid: " + e.getMessage(), e.errors());
    }
}
