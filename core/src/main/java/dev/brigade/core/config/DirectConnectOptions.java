package dev.brigade.core.config;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;

import java.util.Optional;

/** The connect options of a session straight to PostgreSQL (BRIGADE_DB_DIRECT_URL), for LISTEN. */
public final class DirectConnectOptions {
    private DirectConnectOptions() {
    }

    /**
     * From the values DatabaseUrlConfigSource derives: the reactive URL, the CA file of
     * sslrootcert (if any) and whether sslmode=verify-full asks for the host name to be checked.
     */
    public static PgConnectOptions of(String directUrl, Optional<String> caFile, boolean verifyHost) {
        PgConnectOptions options = PgConnectOptions.fromUri(directUrl);
        caFile.ifPresent(file -> options.setPemTrustOptions(new PemTrustOptions().addCertPath(file)));
        if (verifyHost) {
            options.setHostnameVerificationAlgorithm("HTTPS");
        }
        return options;
    }
}
