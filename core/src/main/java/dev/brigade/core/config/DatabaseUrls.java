package dev.brigade.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An operator's database URL, {@code postgresql://user:pass@host:port/db?sslmode=…}, in the two
 * forms the programs need: as it is for the reactive client, and as a JDBC URL (pgjdbc takes no
 * user info in the authority, so user and password move into the query) for Flyway.
 * {@code sslrootcert} (a CA file) is a libpq/pgjdbc parameter the reactive client does not take
 * in a URL: it is lifted out into {@link #sslRootCert()} for the reactive client's trust options,
 * and {@code sslmode=verify-full} also asks it to verify the host name.
 */
public record DatabaseUrls(String reactive, String jdbc, String sslRootCert, boolean verifyHost) {
    public static final int DEFAULT_LOCAL_PORT = 54329;
    public static final String DEFAULT_LOCAL_URL = localUrl(DEFAULT_LOCAL_PORT);
    /** Moves the local default (the api-server's embedded PostgreSQL, and where both programs look for it). */
    public static final String LOCAL_PORT_ENV = "BRIGADE_EMBEDDED_PORT";
    public static final String LOCAL_PORT_PROPERTY = "brigade.embedded.port";

    /** The local default's port: {@code brigade.embedded.port} / {@code BRIGADE_EMBEDDED_PORT}, else 54329. */
    public static int localPort() {
        String value = System.getProperty(LOCAL_PORT_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(LOCAL_PORT_ENV);
        }
        if (value == null || value.isBlank()) {
            return DEFAULT_LOCAL_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(LOCAL_PORT_ENV + " must be a port number (1-65535), not '" + value + "'");
    }

    /** The local default URL on {@link #localPort()}. */
    public static String localUrl() {
        return localUrl(localPort());
    }

    private static String localUrl(int port) {
        return "postgresql://postgres@localhost:" + port + "/brigade";
    }

    public static DatabaseUrls parse(String url) {
        URI uri;
        try {
            uri = new URI(url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a database URL (postgresql://user:pass@host:port/db): " + e.getMessage());
        }
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("a database URL looks like postgresql://user:pass@host:port/db");
        }
        List<String> query = new ArrayList<>();
        List<String> reactiveQuery = new ArrayList<>();
        String sslRootCert = null;
        boolean verifyHost = false;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            query.add("user=" + reencode(parts[0]));
            if (parts.length == 2) {
                query.add("password=" + reencode(parts[1]));
            }
        }
        if (uri.getRawQuery() != null) {
            query.add(uri.getRawQuery());
            for (String parameter : uri.getRawQuery().split("&")) {
                String[] kv = parameter.split("=", 2);
                String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                if (kv[0].equals("sslrootcert")) {
                    sslRootCert = value;
                } else {
                    verifyHost |= kv[0].equals("sslmode") && value.equals("verify-full");
                    reactiveQuery.add(parameter);
                }
            }
        }
        String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + port + path + (query.isEmpty() ? "" : "?" + String.join("&", query));
        String reactive = uri.getScheme() + "://" + (userInfo == null ? "" : userInfo + "@") + uri.getRawAuthority()
                .substring(userInfo == null ? 0 : userInfo.length() + 1) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (reactiveQuery.isEmpty() ? "" : "?" + String.join("&", reactiveQuery));
        return new DatabaseUrls(reactive, jdbc, sslRootCert, verifyHost);
    }

    private static String reencode(String raw) {
        return URLEncoder.encode(URLDecoder.decode(raw, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
