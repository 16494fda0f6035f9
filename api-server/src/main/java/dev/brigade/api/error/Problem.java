package dev.brigade.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.brigade.core.error.FieldError;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * An error answer, RFC 9457 problem details: the HTTP status says what kind of problem it is (type
 * about:blank, title the status phrase), detail says what went wrong, and for invalid input
 * {@code errors} names each bad field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(Response.StatusType status, String detail) {
        return response(status, detail, null);
    }

    public static Response response(Response.StatusType status, String detail, List<FieldError> errors) {
        Problem problem = new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, errors);
        return Response.status(status.getStatusCode()).type(MEDIA_TYPE).entity(problem).build();
    }
}
