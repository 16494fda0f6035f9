package dev.brigade.client.jdbc;

import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.handler.KnownHandlers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The handler names a JDBC dispatch accepts: those configured as known and those live workers
 * advertise in their app_status row, as core's HandlerCatalog keeps them for the programs. The
 * advertised names are kept for {@code advertisedTtl} and read again (one query, on the caller's
 * connection) only when a dispatch names one this copy lacks or the copy is older than that.
 */
final class JdbcHandlerNames {
    private final Set<String> configured;
    private final long ttlNanos;
    private final KnownHandlers configuredOnly;
    private volatile Read lastRead;

    private record Read(KnownHandlers known, long atNanos) {
    }

    JdbcHandlerNames(Set<String> configured, Duration advertisedTtl) {
        this.configured = Set.copyOf(configured);
        this.ttlNanos = advertisedTtl.toNanos();
        this.configuredOnly = KnownHandlers.of(this.configured, Map.of());
    }

    /** What is known, read fresh when any of {@code names} (blank ones aside) is not. */
    KnownHandlers knowing(Connection connection, Collection<String> names) throws SQLException {
        Read read = lastRead;
        KnownHandlers known = read != null && System.nanoTime() - read.atNanos() < ttlNanos ? read.known() : configuredOnly;
        if (names.stream().filter(name -> name != null && !name.isBlank()).allMatch(known::knows)) {
            return known;
        }
        Map<String, Boolean> advertised = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(AppStatusSql.SELECT_ADVERTISED_HANDLERS)) {
            while (rows.next()) {
                advertised.put(rows.getString("name"), rows.getBoolean("may_run_immediately"));
            }
        }
        KnownHandlers fresh = KnownHandlers.of(configured, advertised);
        lastRead = new Read(fresh, System.nanoTime());
        return fresh;
    }
}
