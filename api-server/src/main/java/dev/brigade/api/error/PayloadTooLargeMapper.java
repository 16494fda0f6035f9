package dev.brigade.api.error;

import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.PayloadTooLargeException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.List;

/** A part of the body over its limit (task args over 1 MiB): 413 naming the field. */
@Provider
public class PayloadTooLargeMapper implements ExceptionMapper<PayloadTooLargeException> {
    @Override
    public Response toResponse(PayloadTooLargeException e) {
        return Problem.response(Response.Status.REQUEST_ENTITY_TOO_LARGE, e.getMessage(),
                List.of(new FieldError(e.field(), e.getMessage())));
    }
}
