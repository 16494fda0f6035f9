package dev.brigade.api.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import java.util.Arrays;
import java.util.Objects;

/**
 * The newest migration this program ships, read once at start (Flyway reads the classpath and
 * the history over its JDBC connection) so that probes never open a connection of their own.
 */
@ApplicationScoped
public class ShippedSchema {
    private volatile String newestVersion;

    void onStart(@Observes StartupEvent event, Flyway flyway) {
        newestVersion = Arrays.stream(flyway.info().all())
                .map(MigrationInfo::getVersion)
                .filter(Objects::nonNull)
                .reduce((a, b) -> a.compareTo(b) >= 0 ? a : b)
                .map(v -> v.getVersion())
                .orElseThrow(() -> new IllegalStateException("no schema migration on the classpath"));
    }

    /** Null until the program has started. */
    public String newestVersion() {
        return newestVersion;
    }
}
