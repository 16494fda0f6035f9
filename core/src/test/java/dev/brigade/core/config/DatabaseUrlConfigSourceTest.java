package dev.brigade.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Whose datasource wins: an operator's BRIGADE_DB_URL over application.properties, the local default under it. */
class DatabaseUrlConfigSourceTest {
    private static final int APPLICATION_PROPERTIES = 250;

    @Test
    void theLocalDefaultYieldsToAnApplicationsOwnProperties() {
        assumeTrue(System.getenv(DatabaseUrlConfigSource.DB_URL) == null, "BRIGADE_DB_URL is set here");
        String before = System.getProperty("brigade.db.url");
        System.clearProperty("brigade.db.url");
        try {
            DatabaseUrlConfigSource source = new DatabaseUrlConfigSource();
            assertThat(source.getOrdinal()).isLessThan(APPLICATION_PROPERTIES).isGreaterThan(100);
            assertThat(source.getValue("quarkus.datasource.reactive.url")).isEqualTo(DatabaseUrls.DEFAULT_LOCAL_URL);
        } finally {
            if (before != null) {
                System.setProperty("brigade.db.url", before);
            }
        }
    }

    @Test
    void aConfiguredDatabaseUrlOverridesApplicationProperties() {
        String before = System.getProperty("brigade.db.url");
        System.setProperty("brigade.db.url", "postgresql://u@db.example:5432/tasks");
        try {
            DatabaseUrlConfigSource source = new DatabaseUrlConfigSource();
            assertThat(source.getOrdinal()).isGreaterThan(APPLICATION_PROPERTIES).isLessThan(300);
            assertThat(source.getValue("quarkus.datasource.reactive.url")).isEqualTo("postgresql://u@db.example:5432/tasks");
        } finally {
            if (before == null) {
                System.clearProperty("brigade.db.url");
            } else {
                System.setProperty("brigade.db.url", before);
            }
        }
    }

    @Test
    void theEmbeddedPortMovesTheLocalDefault() {
        assumeTrue(System.getenv(DatabaseUrlConfigSource.DB_URL) == null, "BRIGADE_DB_URL is set here");
        String before = System.getProperty(DatabaseUrls.LOCAL_PORT_PROPERTY);
        System.setProperty(DatabaseUrls.LOCAL_PORT_PROPERTY, "55432");
        try {
            assertThat(DatabaseUrls.localPort()).isEqualTo(55432);
            assertThat(new DatabaseUrlConfigSource().getValue("quarkus.datasource.reactive.url"))
                    .isEqualTo("postgresql://postgres@localhost:55432/brigade");
            System.setProperty(DatabaseUrls.LOCAL_PORT_PROPERTY, "five");
            assertThatThrownBy(DatabaseUrls::localPort).hasMessageContaining("BRIGADE_EMBEDDED_PORT").hasMessageContaining("five");
        } finally {
            if (before == null) {
                System.clearProperty(DatabaseUrls.LOCAL_PORT_PROPERTY);
            } else {
                System.setProperty(DatabaseUrls.LOCAL_PORT_PROPERTY, before);
            }
        }
    }
}
