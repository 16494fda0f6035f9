package dev.brigade.api.error;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which database failures are "out of reach, retry" (503 with Retry-After) and which are bugs
 * (500). The system test PgBouncerRestartIT sees the 503s happen for real; this pins the choice.
 */
class DatabaseUnavailableTest {

    @Test
    void aLostOrRefusedConnectionIsA503WithRetryAfter() {
        for (Response response : new Response[] {
                new ConnectionClosedMapper().toResponse(ClosedConnectionException.INSTANCE),
                new SocketErrorMapper().toResponse(new ConnectException("Connection refused")),
                new SocketErrorMapper().toResponse(new SocketException("Connection reset")),
                new PostgresErrorMapper().toResponse(new PgException("server conn crashed?", "FATAL", "08P01", null)),
                new PostgresErrorMapper().toResponse(new PgException("terminating connection due to administrator command",
                        "FATAL", "57P01", null))}) {
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
            assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
        }
    }

    @Test
    void anyOtherDatabaseErrorIsA500() {
        Response response = new PostgresErrorMapper().toResponse(
                new PgException("column \"x\" does not exist", "ERROR", "42703", null));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeaderString("Retry-After")).isNull();
    }

    /** A deadlock or serialization failure whose retries ran out is the client's to retry: never a 500. */
    @Test
    void aDeadlockOrSerializationFailureIsA503WithRetryAfter() {
        for (String state : new String[] {"40P01", "40001"}) {
            Response response = new PostgresErrorMapper().toResponse(
                    new PgException("deadlock detected", "ERROR", state, null));
            assertThat(response.getStatus()).as(state).isEqualTo(503);
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
            assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
        }
    }

    /** A GET commits nothing: its 503 must not speak of a change it was committing; a change's does. */
    @Test
    void the503IsWordedPerMethod() {
        assertThat(detail(DatabaseUnavailable.response(request("GET"))))
                .doesNotContain("committing").contains("nothing was changed");
        assertThat(detail(DatabaseUnavailable.response(request("POST"))))
                .contains("POST was committing").contains("may have landed");
        assertThat(detail(DatabaseUnavailable.response(null))).doesNotContain("this request was committing");
    }

    private static String detail(Response response) {
        return ((Problem) response.getEntity()).detail();
    }

    private static jakarta.ws.rs.core.Request request(String method) {
        return (jakarta.ws.rs.core.Request) java.lang.reflect.Proxy.newProxyInstance(
                DatabaseUnavailableTest.class.getClassLoader(), new Class<?>[] {jakarta.ws.rs.core.Request.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("getMethod")) {
                        return method;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
