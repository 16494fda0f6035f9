package dev.brigade.core.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code BRIGADE_DB_URL} (may point at a pooler) and {@code BRIGADE_DB_DIRECT_URL}
 * (straight to PostgreSQL, for LISTEN and the api-server's migrations; defaults to BRIGADE_DB_URL) into the
 * datasource settings Quarkus reads. Without either, both programs use the local default that
 * the api-server serves with an embedded PostgreSQL. With BRIGADE_DB_URL set, its ordinal sits above
 * application.properties and below environment variables, so an explicit quarkus.datasource.*
 * environment setting still wins. Without it, the local default sits below application.properties:
 * an application of its own that depends on core (to dispatch in its own transaction, see
 * TransactionalDispatcher) keeps the datasource its application.properties names.
 */
public class DatabaseUrlConfigSource implements ConfigSource {
    public static final String DB_URL = "BRIGADE_DB_URL";
    public static final String DB_DIRECT_URL = "BRIGADE_DB_DIRECT_URL";
    /** The direct URL in the reactive client's form, for the LISTEN connection. */
    public static final String DIRECT_URL_PROPERTY = "brigade.db.direct-url";
    /** The direct URL in JDBC form: the api-server's Flyway reads it (the worker has no JDBC). */
    public static final String DIRECT_JDBC_URL_PROPERTY = "brigade.db.direct-jdbc-url";
    /** The CA file of the direct URL's sslrootcert, for the LISTEN connection's trust options. */
    public static final String DIRECT_SSL_ROOT_CERT_PROPERTY = "brigade.db.direct-ssl-root-cert";
    /** Whether the direct URL asked for sslmode=verify-full (host name verification). */
    public static final String DIRECT_VERIFY_HOST_PROPERTY = "brigade.db.direct-verify-host";

    /** Above application.properties (250), below environment variables (300). */
    static final int CONFIGURED_ORDINAL = 275;
    /** Below application.properties, above the defaults in jars (microprofile-config.properties, 100). */
    static final int DEFAULT_ORDINAL = 240;

    private final Map<String, String> properties;

    public DatabaseUrlConfigSource() {
        String pooled = setting(DB_URL, "brigade.db.url");
        String direct = setting(DB_DIRECT_URL, DIRECT_URL_PROPERTY);
        if (pooled == null) {
            pooled = DatabaseUrls.localUrl();
        }
        if (direct == null) {
            direct = pooled;
        }
        DatabaseUrls pooledUrls = DatabaseUrls.parse(pooled);
        DatabaseUrls directUrls = DatabaseUrls.parse(direct);
        Map<String, String> map = new HashMap<>();
        map.put("quarkus.datasource.reactive.url", pooledUrls.reactive());
        map.put(DIRECT_JDBC_URL_PROPERTY, directUrls.jdbc());
        map.put(DIRECT_URL_PROPERTY, directUrls.reactive());
        if (pooledUrls.sslRootCert() != null) {
            map.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
            map.put("quarkus.datasource.reactive.trust-certificate-pem.certs", pooledUrls.sslRootCert());
        }
        if (pooledUrls.verifyHost()) {
            map.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        }
        if (directUrls.sslRootCert() != null) {
            map.put(DIRECT_SSL_ROOT_CERT_PROPERTY, directUrls.sslRootCert());
        }
        map.put(DIRECT_VERIFY_HOST_PROPERTY, Boolean.toString(directUrls.verifyHost()));
        this.properties = Map.copyOf(map);
    }

    /** Whether the operator named a database (else the local default applies). */
    public static boolean databaseConfigured() {
        return setting(DB_URL, "brigade.db.url") != null;
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String name) {
        return properties.get(name);
    }

    @Override
    public String getName() {
        return "brigade-database-urls";
    }

    @Override
    public int getOrdinal() {
        return databaseConfigured() ? CONFIGURED_ORDINAL : DEFAULT_ORDINAL;
    }
}
