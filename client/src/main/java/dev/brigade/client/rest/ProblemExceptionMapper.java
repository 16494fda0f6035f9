package dev.brigade.client.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns an answer of 400 or more into a {@link BrigadeApiException}. The body is read as text and
 * parsed here, so it does not matter which JSON reader the REST client implementation has for
 * {@code application/problem+json}; a body that is no problem (a proxy's page) keeps its status.
 */
public class ProblemExceptionMapper implements ResponseExceptionMapper<BrigadeApiException> {

    @Override
    public BrigadeApiException toThrowable(Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : null;
        Problem problem = null;
        if (body != null && !body.isBlank()) {
            try {
                problem = BrigadeObjectMapper.MAPPER.readValue(body, Problem.class);
            } catch (JsonProcessingException e) {
                problem = null;
            }
        }
        if (problem == null || problem.status() == 0) {
            problem = new Problem(null, response.getStatusInfo().getReasonPhrase(), response.getStatus(), body, null);
        }
        return new BrigadeApiException(problem);
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
