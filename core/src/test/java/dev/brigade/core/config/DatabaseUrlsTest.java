package dev.brigade.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlsTest {

    @Test
    void userInfoMovesIntoTheJdbcQueryAndTlsParametersPassThrough() {
        DatabaseUrls urls = DatabaseUrls.parse("postgresql://brigade:s%40cret@db.example:6432/tasks?sslmode=require");
        assertThat(urls.reactive()).isEqualTo("postgresql://brigade:s%40cret@db.example:6432/tasks?sslmode=require");
        assertThat(urls.jdbc()).isEqualTo("jdbc:postgresql://db.example:6432/tasks?user=brigade&password=s%40cret&sslmode=require");
    }

    @Test
    void theCaFileIsLiftedOutOfTheReactiveUrlAndVerifyFullAsksForHostVerification() {
        DatabaseUrls urls = DatabaseUrls.parse("postgresql://u:p@db:5432/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        assertThat(urls.reactive()).isEqualTo("postgresql://u:p@db:5432/d?sslmode=verify-full");
        assertThat(urls.jdbc()).isEqualTo("jdbc:postgresql://db:5432/d?user=u&password=p&sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        assertThat(urls.sslRootCert()).isEqualTo("/etc/ca.pem");
        assertThat(urls.verifyHost()).isTrue();
        assertThat(DatabaseUrls.parse("postgresql://h/d?sslmode=require").verifyHost()).isFalse();
    }

    @Test
    void postgresSchemeAndMissingPortAreAccepted() {
        assertThat(DatabaseUrls.parse("postgres://u@h/d").jdbc()).isEqualTo("jdbc:postgresql://h/d?user=u");
    }

    @Test
    void somethingElseIsRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> DatabaseUrls.parse("mysql://h/d")).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> DatabaseUrls.parse("not a url")).hasMessageContaining("postgresql://");
    }
}
