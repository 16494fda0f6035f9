package dev.brigade.api.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Echoes a request's Correlation-ID on its response, so a client can match answers to requests in
 * its logs. A dispatch sets the header itself (to the task's logging_cid, generated when absent).
 */
@Provider
public class CorrelationIdEcho implements ContainerResponseFilter {
    public static final String HEADER = "Correlation-ID";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String cid = request.getHeaderString(HEADER);
        if (cid != null && !response.getHeaders().containsKey(HEADER)) {
            response.getHeaders().putSingle(HEADER, cid);
        }
    }
}
