package dev.brigade.api.error;

import com.fasterxml.jackson.core.exc.StreamReadException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A body that is not JSON at all (or a number out of range): 400, nothing written. The JSON
 * reader of a resource wraps this in a 400 WebApplicationException, which {@link HttpErrorMapper}
 * hands back here; a body a resource parses itself reaches this mapper directly.
 */
@Provider
public class MalformedJsonMapper implements ExceptionMapper<StreamReadException> {
    @Override
    public Response toResponse(StreamReadException e) {
        return response(e);
    }

    static Response response(StreamReadException e) {
        // The parser's own message quotes the offending input, which may hold secret args: keep it out.
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        return Problem.response(Response.Status.BAD_REQUEST, "The body is not valid JSON (malformed)" + where);
    }
}
