package dev.brigade.it.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The api-server program running as an OS process ({@code java -jar quarkus-run.jar}), listening
 * on loopback only, on its own free port, its output in its own log file.
 */
public final class ApiServerProcess implements AutoCloseable {
    private static final List<String> JVM_FLAGS = List.of(
            "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final String JAR_PROPERTY = "brigade.it.api-server-jar";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String label;
    private final Process process;
    private final int port;
    private final Path log;

    private ApiServerProcess(String label, Process process, int port, Path log) {
        this.label = label;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the api-server; returns at once (see {@link #awaitReady}). */
    public static ApiServerProcess start(String label, String dbUrl, String directUrl, Map<String, String> properties,
                                         Path log) {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.addAll(JVM_FLAGS);
        command.add("-Dbrigade.diagnostic-handlers.enabled=true");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("BRIGADE_DB_URL", dbUrl);
        env.put("BRIGADE_DB_DIRECT_URL", directUrl);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", command) + "\n# BRIGADE_DB_URL=" + dbUrl
                    + " BRIGADE_DB_DIRECT_URL=" + directUrl + "\n");
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new ApiServerProcess(label, StartedProcesses.track(builder.start()), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start api-server " + label, e);
        }
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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("api-server " + this + " exited with code " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + LogFiles.tail(log, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("api-server " + this + " not ready within " + timeout + "; log "
                        + log + ":\n" + LogFiles.tail(log, 40));
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    public boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** http://127.0.0.1:port + path. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM: a graceful stop. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process vanishes mid-request. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("api-server " + this + " still running after " + timeout + "; log " + log
                        + ":\n" + LogFiles.tail(log, 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    boolean awaitExitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path log() {
        return log;
    }

    public String logText() {
        return LogFiles.read(log);
    }

    /** Stops it at once if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + pid() + ", port " + port + ")";
    }
}
