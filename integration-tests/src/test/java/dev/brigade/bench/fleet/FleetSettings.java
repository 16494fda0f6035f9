package dev.brigade.bench.fleet;

import dev.brigade.core.config.DatabaseUrlConfigSource;
import dev.brigade.core.config.HandlersConfig;
import dev.brigade.worker.RelayConfig;
import dev.brigade.worker.SignalsConfig;
import dev.brigade.worker.WorkerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The settings of every identity of a {@link FleetHost}, read the way the worker reads its own:
 * the worker's config mappings (so every default is the worker's), from system properties, the
 * environment (BRIGADE_DB_URL, BRIGADE_RELAY_URL, ...), and core's and the worker's defaults (their
 * META-INF/microprofile-config.properties). Each identity gets a pool of its own with the client
 * settings the worker's datasource has (layer-7 proxy mode, no prepared-statement cache, DateStyle, pool size,
 * idle timeout), so that PgBouncer and PostgreSQL see what they see of a worker process.
 */
final class FleetSettings {
    private final SmallRyeConfig config;
    private final WorkerConfig worker;
    private final SignalsConfig signals;
    private final RelayConfig relay;
    private final HandlersConfig handlers;

    private FleetSettings(SmallRyeConfig config) {
        this.config = config;
        this.worker = config.getConfigMapping(WorkerConfig.class);
        this.signals = config.getConfigMapping(SignalsConfig.class);
        this.relay = config.getConfigMapping(RelayConfig.class);
        this.handlers = config.getConfigMapping(HandlersConfig.class);
    }

    static FleetSettings load() {
        return new FleetSettings(new SmallRyeConfigBuilder()
                .addDefaultSources() // system properties, environment, META-INF/microprofile-config.properties (core's, the worker's)
                .addDefaultInterceptors() // ${...} expressions
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus's "5S" form
                .withSources(new DatabaseUrlConfigSource())
                .withMapping(WorkerConfig.class)
                .withMapping(SignalsConfig.class)
                .withMapping(RelayConfig.class)
                .withMapping(HandlersConfig.class)
                .build());
    }

    WorkerConfig worker() {
        return worker;
    }

    SignalsConfig signals() {
        return signals;
    }

    RelayConfig relay() {
        return relay;
    }

    HandlersConfig handlers() {
        return handlers;
    }

    String directUrl() {
        return config.getValue(DatabaseUrlConfigSource.DIRECT_URL_PROPERTY, String.class);
    }

    Optional<String> directCaFile() {
        return config.getOptionalValue(DatabaseUrlConfigSource.DIRECT_SSL_ROOT_CERT_PROPERTY, String.class);
    }

    boolean directVerifyHost() {
        return config.getOptionalValue(DatabaseUrlConfigSource.DIRECT_VERIFY_HOST_PROPERTY, Boolean.class).orElse(false);
    }

    Duration immediateTimeout() {
        return config.getOptionalValue("brigade.immediate.timeout", Duration.class).orElse(Duration.ofSeconds(5));
    }

    String retention() {
        return config.getOptionalValue("brigade.retention", String.class).orElse("30D");
    }

    /** A pool like the worker's datasource (no TLS: the benchmarks' PostgreSQL and PgBouncer have none). */
    Pool newPool(Vertx vertx) {
        PgConnectOptions connect = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUseLayer7Proxy(config.getValue("quarkus.datasource.reactive.postgresql.use-layer7-proxy", Boolean.class))
                .setCachePreparedStatements(config.getValue("quarkus.datasource.reactive.cache-prepared-statements", Boolean.class))
                .addProperty("DateStyle", config.getValue("quarkus.datasource.reactive.additional-properties.DateStyle", String.class));
        Duration idle = config.getValue("quarkus.datasource.reactive.idle-timeout", Duration.class);
        PoolOptions pool = new PoolOptions()
                .setMaxSize(config.getValue("quarkus.datasource.reactive.max-size", Integer.class))
                .setIdleTimeout((int) idle.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
        return Pool.newInstance(PgBuilder.pool().with(pool).connectingTo(connect).using(vertx.getDelegate()).build());
    }
}
