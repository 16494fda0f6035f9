package dev.brigade.worker.health;

import dev.brigade.worker.RequiredSchema;
import dev.brigade.worker.SignalsConfig;
import dev.brigade.worker.heartbeat.HeartbeatWriter;
import dev.brigade.worker.signal.PgSignalListener;
import dev.brigade.worker.signal.RelaySignalClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready: the schema version the worker needs is applied (it waits for the api-server's migration
 * before it starts), the database answers (one cheap query on the existing pool, never a new
 * connection), the heartbeat is fresh, and in signals mode listen the listener is connected. In
 * mode relay an unreachable relay does not make the worker unready: it polls meanwhile (so a
 * rollout of the api-server never holds the fleet back); the probe shows it as data.
 */
@Readiness
@ApplicationScoped
public class WorkerReadiness implements AsyncHealthCheck {
    private final Pool pool;
    private final HeartbeatWriter heartbeat;
    private final PgSignalListener listener;
    private final boolean listenMode;
    private final boolean relayMode;
    private final RelaySignalClient relay;
    private final RequiredSchema schema;

    public WorkerReadiness(Pool pool, HeartbeatWriter heartbeat, PgSignalListener listener, SignalsConfig signals,
                           RequiredSchema schema, RelaySignalClient relay) {
        this.pool = pool;
        this.schema = schema;
        this.heartbeat = heartbeat;
        this.listener = listener;
        this.listenMode = signals.mode() == SignalsConfig.Mode.LISTEN;
        this.relayMode = signals.mode() == SignalsConfig.Mode.RELAY;
        this.relay = relay;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        // retried a few times, briefly: each pooled connection whose server side was just closed
        // (a backend terminated behind PgBouncer) fails one query, and the probe must not flap
        // on those alone; a database that is really away still fails every attempt (and a
        // hanging one is not waited for again)
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .onFailure(failure -> !(failure instanceof TimeoutException))
                .retry().withBackOff(Duration.ofMillis(50), Duration.ofMillis(200)).atMost(4)
                .map(rows -> true).onFailure().recoverWithItem(false)
                .map(database -> {
                    boolean listening = !listenMode || listener.connected();
                    var response = HealthCheckResponse.named("brigade-worker")
                            .status(schema.present() && database && heartbeat.fresh() && listening)
                            .withData("schema_applied", schema.present())
                            .withData("database", database)
                            .withData("heartbeat_fresh", heartbeat.fresh())
                            .withData("listener_connected", listening);
                    if (relayMode) {
                        response.withData("relay_connected", relay.connected());
                    }
                    return response.build();
                });
    }
}
