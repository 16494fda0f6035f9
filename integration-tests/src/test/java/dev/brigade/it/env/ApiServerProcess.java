package dev.brigade.it.env;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The api-server program running as an OS process ({@code java -jar quarkus-run.jar}), listening
 * on loopback only, on its own free port, its output in its own log file.
 */
public final class ApiServerProcess extends ProgramProcess {
    private static final String JAR_PROPERTY = "brigade.it.api-server-jar";
    /** BRIGADE_RELAY_SECRET of every api-server and relay-mode worker the tests start. */
    public static final String RELAY_SECRET = "brigade-it-relay-secret";

    private final int port;

    private ApiServerProcess(String label, Process process, int port, Path log) {
        super("api-server", label, process, log);
        this.port = port;
    }

    /** Starts the api-server; returns at once (see {@link #awaitReady}). */
    public static ApiServerProcess start(String label, String dbUrl, String directUrl, Map<String, String> properties,
                                         Path log) {
        return start(label, FreePorts.next(), dbUrl, directUrl, properties, log);
    }

    /** Starts the api-server on a given port (a relay the workers were told of before it started). */
    public static ApiServerProcess start(String label, int port, String dbUrl, String directUrl,
                                         Map<String, String> properties, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.addAll(JVM_FLAGS);
        command.add("-Dbrigade.diagnostic-handlers.enabled=true");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dbrigade.relay.secret=" + RELAY_SECRET); // every api-server of the tests is a relay
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar().toString());
        return new ApiServerProcess(label, launch("api-server", label, command, dbUrl, directUrl, log), port, log);
    }

    /** The api-server's runnable jar (brigade.it.api-server-jar); fails with the command that builds it when missing. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "../api-server/target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged api-server is missing: " + jar
                    + " (build it first: ./mvnw -pl api-server package -DskipTests, or run ./mvnw verify at the root)");
        }
        return jar;
    }

    /** Waits until GET /q/health/ready answers 200; fails with the log's tail if the process dies first. */
    public ApiServerProcess awaitReady(Duration timeout) {
        awaitReadiness(timeout);
        return this;
    }

    @Override
    URI readinessProbe() {
        return uri("/q/health/ready");
    }

    /** http://127.0.0.1:port + path. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int port() {
        return port;
    }

    @Override
    public String toString() {
        return label() + " (pid " + pid() + ", port " + port + ")";
    }
}
