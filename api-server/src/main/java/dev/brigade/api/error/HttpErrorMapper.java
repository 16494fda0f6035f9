package dev.brigade.api.error;

import com.fasterxml.jackson.core.exc.StreamReadException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The errors the HTTP layer raises itself (no such path 404, method not supported 405, another
 * content type 415, not acceptable 406) keep their status and get the problem+json shape too.
 * Only exceptions that already carry an HTTP status land here: a bug still surfaces as a 500.
 */
@Provider
public class HttpErrorMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        // The JSON reader wraps a parse error (inside a JsonNode field it is itself wrapped in a
        // mapping error) in a plain 400: say it is malformed JSON, and where.
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof StreamReadException malformed) {
                return MalformedJsonMapper.response(malformed);
            }
        }
        Response original = e.getResponse();
        Response.StatusType status = original.getStatusInfo();
        Response.ResponseBuilder answer = Response.fromResponse(
                Problem.response(status, detail(status.getStatusCode())));
        // A 405 must still say which methods the path supports.
        if (original.getHeaderString("Allow") != null) {
            answer.header("Allow", original.getHeaderString("Allow"));
        }
        return answer.build();
    }

    private static String detail(int status) {
        return switch (status) {
            case 404 -> "No such resource";
            case 405 -> "This path does not support that method";
            case 406 -> "This resource answers in application/json only";
            case 413 -> "The request body is too large";
            case 415 -> "The body must be application/json";
            default -> "The request cannot be served";
        };
    }
}
