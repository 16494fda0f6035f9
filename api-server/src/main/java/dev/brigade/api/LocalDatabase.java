package dev.brigade.api;

import dev.brigade.core.config.DatabaseUrlConfigSource;
import dev.brigade.core.config.DatabaseUrls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The zero-setup database: an embedded PostgreSQL on the local default port (54329, or
 * {@code BRIGADE_EMBEDDED_PORT}, where both programs look without a configured URL), its data in a folder
 * that survives restarts ({@code $HOME/.local/share/brigade/postgres}, or
 * {@code BRIGADE_EMBEDDED_DATA_DIR}). Started only when the operator named no database and nothing
 * already answers on that port (another api-server's embedded one, or a real server).
 */
public final class LocalDatabase implements AutoCloseable {
    public static final String DATA_DIR_ENV = "BRIGADE_EMBEDDED_DATA_DIR";
    static final String DATABASE = "brigade";
    // Bootstrap statements on the server's own catalogue, before Flyway owns the schema.
    private static final String DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = ?";
    private static final String CREATE_DATABASE = "CREATE DATABASE " + DATABASE; // a constant name, never input

    private static final Logger LOG = Logger.getLogger(LocalDatabase.class);

    private final EmbeddedPostgres postgres;

    private LocalDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static LocalDatabase startIfNeeded() {
        if (DatabaseUrlConfigSource.databaseConfigured()) {
            return new LocalDatabase(null);
        }
        int port = DatabaseUrls.localPort();
        if (somethingAnswers(port)) {
            LOG.infof("No database configured; using the PostgreSQL that answers on localhost:%d", port);
            return new LocalDatabase(null);
        }
        Path dataDir = dataDirectory();
        LOG.infof("No database configured (BRIGADE_DB_URL): starting an embedded PostgreSQL on localhost:%d, "
                + "its data kept in %s (set %s to move it)", port, dataDir, DATA_DIR_ENV);
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .start();
            createDatabaseIfMissing(postgres);
            return new LocalDatabase(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    static Path dataDirectory() {
        String configured = System.getenv(DATA_DIR_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "brigade", "postgres");
    }

    private static boolean somethingAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = admin.prepareStatement(DATABASE_EXISTS)) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                try (Statement create = admin.createStatement()) {
                    create.execute(CREATE_DATABASE);
                }
                LOG.infof("Created database %s in the embedded PostgreSQL", DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE + " in the embedded PostgreSQL", e);
        }
    }

    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            LOG.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
