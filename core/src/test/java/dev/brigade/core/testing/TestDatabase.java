package dev.brigade.core.testing;

import dev.brigade.core.config.DatabaseUrls;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
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
    private static String template;

    private TestDatabase() {
    }

    /** A fresh, migrated database: its URL in the operator's form and in JDBC form. */
    public record Fresh(String url, String jdbcUrl) {
        /** The database's name (the path of its URL), e.g. to reach it through PgBouncer. */
        public String name() {
            return url.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        }

        /** A reactive pool on it (built in {@link TestPools}: this class also serves tests without Vert.x). */
        public Pool pool(Vertx vertx, int size) {
            return TestPools.open(url, vertx, size);
        }
    }

    /**
     * A fresh database. The first one of a JVM is migrated from scratch by Flyway and becomes the
     * template of the others (a copy takes a fraction of a migration's time).
     */
    public static synchronized Fresh create() {
        String server = server();
        if (template == null) {
            String name = "brigade_template_" + ProcessHandle.current().pid();
            createDatabase(server, name, null);
            Flyway.configure().dataSource(urlOf(server, name).jdbcUrl(), null, null).load().migrate();
            template = name;
        }
        String name = "brigade_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        createDatabase(server, name, template);
        return urlOf(server, name);
    }

    /** A fresh database without Brigade's schema: what a first rollout meets before the api-server migrates it. */
    public static synchronized Fresh createEmpty() {
        String server = server();
        String name = "brigade_empty_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        createDatabase(server, name, null);
        return urlOf(server, name);
    }

    private static void createDatabase(String server, String name, String from) {
        try (Connection admin = DriverManager.getConnection(DatabaseUrls.parse(server).jdbc());
             Statement statement = admin.createStatement()) {
            // names are generated in this class, never input
            statement.execute("CREATE DATABASE " + name + (from == null ? "" : " TEMPLATE " + from));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + server, e);
        }
    }

    private static Fresh urlOf(String server, String name) {
        String url = server.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        return new Fresh(url, DatabaseUrls.parse(url).jdbc());
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
                            // the benchmark harness counts statements with it
                            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
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
