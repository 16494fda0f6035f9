package dev.brigade.api.http;

import dev.brigade.api.config.ApiConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A clean 413 for a body over quarkus.http.limits.max-body-size. Quarkus's own check answers 413
 * and closes the connection at once, so a client still sending its body (most do not wait for
 * 100-continue) sees a broken pipe instead of the answer. This guard runs just before that check:
 * a client that asked for 100-continue gets the 413 before it sends anything; otherwise the body is
 * read and thrown away up to a cap, then the 413 (problem+json) goes out on a connection that stays
 * usable. Past the cap, Quarkus's check closes the connection: nobody is owed an endless drain.
 */
@ApplicationScoped
public class OversizedBodyGuard {
    /** Just before Quarkus's upload limit (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT = -2). */
    static final int ORDER = -3;
    static final String PROBLEM = """
            {"type":"about:blank","title":"Request Entity Too Large","status":413,\
            "detail":"The request body is larger than %d bytes"}""";

    private final long limit;
    private final long drainCap;

    public OversizedBodyGuard(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit,
                              ApiConfig config) {
        this.limit = limit.asLongValue();
        this.drainCap = config.oversizedBodyDrainCap().asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        long length = declaredLength(request);
        if (length <= limit || length > drainCap) {
            context.next();
            return;
        }
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            answer(context, true);
            return;
        }
        request.handler(ignored -> {
        });
        request.endHandler(ignored -> answer(context, false));
    }

    private void answer(RoutingContext context, boolean close) {
        var response = context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        response.end(PROBLEM.formatted(limit));
    }

    private static long declaredLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
