package dev.brigade.it.deploy;

import dev.brigade.core.config.DatabaseUrlConfigSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one program (worker or api-server) really serves and reads, taken from its sources: its
 * settings file (plus core's shared defaults), the property names of its
 * {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injections, and the database URL
 * variables core reads.
 */
record ProgramSettings(String module, Properties properties, Set<String> propertyNames, boolean servesMetrics) {
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)");
    private static final Path CORE_SOURCES = RepositoryFiles.path("core/src/main/java");

    // the worker keeps its defaults where an application built on it keeps them too
    static final ProgramSettings WORKER = load("worker", "META-INF/microprofile-config.properties");
    static final ProgramSettings API_SERVER = load("api-server", "application.properties");

    private static ProgramSettings load(String module, String settingsFile) {
        Properties properties = new Properties();
        read(properties, "core/src/main/resources/META-INF/microprofile-config.properties");
        read(properties, module + "/src/main/resources/" + settingsFile);
        Path sources = RepositoryFiles.path(module + "/src/main/java");

        Set<String> names = new TreeSet<>(ConfigMappingNames.declaredIn(List.of(sources, CORE_SOURCES)));
        for (Path folder : List.of(sources, CORE_SOURCES)) {
            for (Path file : RepositoryFiles.filesUnder(folder, ".java")) {
                Matcher m = CONFIG_PROPERTY.matcher(RepositoryFiles.read(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        for (String key : properties.stringPropertyNames()) {
            names.add(key);
            Matcher m = EXPRESSION.matcher(properties.getProperty(key));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        boolean metrics = RepositoryFiles.read(module + "/pom.xml").contains("<artifactId>quarkus-micrometer-registry-prometheus</artifactId>");
        return new ProgramSettings(module, properties, names, metrics);
    }

    private static void read(Properties into, String relative) {
        try {
            Properties file = new Properties();
            file.load(new StringReader(RepositoryFiles.read(relative)));
            // profile-specific keys (%test.…) never apply to a deployed program
            file.stringPropertyNames().stream().filter(k -> !k.startsWith("%"))
                    .forEach(k -> into.setProperty(k, file.getProperty(k)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String property(String name, String quarkusDefault) {
        return properties.getProperty(name, quarkusDefault);
    }

    boolean managementEnabled() {
        return Boolean.parseBoolean(property("quarkus.management.enabled", "false"));
    }

    /** The port the probes (and metrics) are served on: the management interface's when enabled. */
    int probePort() {
        return managementEnabled()
                ? Integer.parseInt(property("quarkus.management.port", "9000"))
                : Integer.parseInt(property("quarkus.http.port", "8080"));
    }

    /** /q/health/live etc., from the non-application root and the health root path. */
    String healthPath(String check) {
        String root = trimSlashes(property("quarkus.http.non-application-root-path", "q"));
        String health = trimSlashes(property("quarkus.smallrye-health.root-path", "health"));
        return "/" + root + "/" + health + "/" + check;
    }

    String metricsPath() {
        return property("quarkus.micrometer.export.prometheus.path", "/q/metrics");
    }

    /** Whether an environment variable names a setting this program reads (SmallRye's mapping of names). */
    boolean reads(String envName) {
        if (envName.equals(DatabaseUrlConfigSource.DB_URL) || envName.equals(DatabaseUrlConfigSource.DB_DIRECT_URL)) {
            return true;
        }
        return propertyNames.stream().anyMatch(p -> envNameOf(p).equals(envName));
    }

    static String envNameOf(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("^/+|/+$", "");
    }
}
