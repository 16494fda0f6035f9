package dev.brigade.api.relay;

import dev.brigade.api.error.Problem;
import dev.brigade.core.db.Json;
import dev.brigade.core.signal.RelayProtocol;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where workers of signals mode relay subscribe: a WebSocket upgrade of {@link RelayProtocol#PATH}
 * on the api-server's port (so one Service, one port). WebSocket rather than SSE or long-polling:
 * the relay must hear from the worker too (how much room it has) to wake one worker instead of
 * all, and one long-lived connection with pings carries both ways at no cost per signal. Without
 * the secret: 401; while the relay's LISTEN session is down: 503 (the worker polls, and retries).
 */
@ApplicationScoped
public class RelayEndpoint {
    private final RelayHub hub;
    private final RelayListener listener;
    private final byte[] expectedAuthorization;

    public RelayEndpoint(RelayHub hub, RelayListener listener, RelayConfig config) {
        this.hub = hub;
        this.listener = listener;
        this.expectedAuthorization = config.secret().filter(s -> !s.isBlank())
                .map(secret -> ("Bearer " + secret).getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void install(@Observes Router router) {
        router.get(RelayProtocol.PATH).handler(this::subscribe);
    }

    private void subscribe(RoutingContext context) {
        if (expectedAuthorization == null) {
            problem(context, 404, "Not Found", "this api-server is not a signal relay (BRIGADE_RELAY_SECRET is not set)");
            return;
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !MessageDigest.isEqual(expectedAuthorization,
                authorization.getBytes(StandardCharsets.UTF_8))) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            problem(context, 401, "Unauthorized", "the relay needs Authorization: Bearer <BRIGADE_RELAY_SECRET>");
            return;
        }
        UUID worker;
        try {
            worker = UUID.fromString(String.valueOf(context.request().getHeader(RelayProtocol.WORKER_HEADER)));
        } catch (IllegalArgumentException e) {
            problem(context, 400, "Bad Request", "header " + RelayProtocol.WORKER_HEADER + " must be the worker's app_status id (a UUID)");
            return;
        }
        if (!listener.listening()) {
            problem(context, 503, "Service Unavailable", "the relay is not listening for signals yet; poll and retry");
            return;
        }
        boolean auxiliary = Boolean.parseBoolean(context.request().getHeader(RelayProtocol.AUXILIARY_HEADER));
        Optional<Set<String>> handlers = RelayProtocol.handlersOf(context.request().getHeader(RelayProtocol.HANDLERS_HEADER));
        context.request().toWebSocket().onSuccess(socket -> hub.join(worker, auxiliary, handlers, socket));
    }

    private static void problem(RoutingContext context, int status, String title, String detail) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.write(new Problem("about:blank", title, status, detail, null)));
    }
}
