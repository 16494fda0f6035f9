package dev.brigade.core.testing;

import dev.brigade.core.config.DatabaseUrls;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL the tests run against: the server {@code BRIGADE_TEST_DB_URL} names (its user
 * needs CREATEDB), else an embedded one started once per JVM. Each caller gets a fresh database
 * with the migrations applied from scratch, so tests never see each other's rows.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static String serverUrl;
    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    /** A fresh, migrated database: its URL in the operator's form and in JDBC form. */
    public record Fresh(String url, String jdbcUrl) {
        public Pool pool(Vertx vertx, int size) {
            return Pool.newInstance(PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(size))
                    .connectingTo(PgConnectOptions.fromUri(url))
                    .using(vertx.getDelegate())
                    .build());
        }
    }

    public static synchronized Fresh create() {
        String server = server();
        String name = "brigade_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(DatabaseUrls.parse(server).jdbc());
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name); // name is generated above, never input
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + server, e);
        }
        String url = server.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        Fresh fresh = new Fresh(url, DatabaseUrls.parse(url).jdbc());
        Flyway.configure().dataSource(fresh.jdbcUrl(), null, null).load().migrate();
        return fresh;
    }

    /** The server's URL, postgresql://user[:pass]@host:port/db form. */
    public static synchronized String server() {
        if (serverUrl == null) {
            String configured = System.getenv("BRIGADE_TEST_DB_URL");
            if (configured != null && !configured.isBlank()) {
                serverUrl = configured;
            } else {
                try {
                    embedded = EmbeddedPostgres.builder()
                            .setServerConfig("max_connections", "300")
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
                }
                serverUrl = "postgresql://postgres@localhost:" + embedded.getPort() + "/postgres";
                Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stopEmbedded));
            }
        }
        return serverUrl;
    }

    private static void stopEmbedded() {
        try {
            embedded.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the data directory is a temporary one
        }
    }
}
