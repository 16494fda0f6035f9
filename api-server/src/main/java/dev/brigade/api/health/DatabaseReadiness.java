package dev.brigade.api.health;

import dev.brigade.core.db.SchemaSql;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready: the database answers and the newest shipped migration is applied. One cheap query on the
 * shared reactive pool per probe, never a new connection. No worker is needed for the API to serve.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {
    static final String NAME = "database";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Pool pool;
    private final ShippedSchema schema;

    public DatabaseReadiness(Pool pool, ShippedSchema schema) {
        this.pool = pool;
        this.schema = schema;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String version = schema.newestVersion();
        if (version == null) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).down().withData("reason", "starting").build());
        }
        return pool.preparedQuery(SchemaSql.MIGRATION_APPLIED).execute(Tuple.of(version))
                .map(rows -> rows.iterator().next().getBoolean("applied"))
                .map(applied -> HealthCheckResponse.named(NAME).status(applied)
                        .withData("connected", true)
                        .withData("schema_version", version)
                        .withData("migrations_applied", applied)
                        .build())
                .ifNoItem().after(PROBE_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("connected", false)
                        .withData("reason", String.valueOf(failure.getMessage()))
                        .build());
    }
}
