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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Brigade program running as an OS process ({@code java -jar quarkus-run.jar}), its output in
 * its own log file (the command line first), its readiness probe on a loopback port: what the
 * worker and the api-server have in common.
 */
public abstract class ProgramProcess implements AutoCloseable {
    /** Lean JVM flags: several programs share two cores with PostgreSQL and the tests. */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String kind;
    private final String label;
    private final Process process;
    private final Path log;

    ProgramProcess(String kind, String label, Process process, Path log) {
        this.kind = kind;
        this.label = label;
        this.process = process;
        this.log = log;
    }

    /** Starts the command with the database URLs in its environment, its output appended to {@code log}. */
    static Process launch(String kind, String label, List<String> command, String dbUrl, String directUrl, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("BRIGADE_DB_URL", dbUrl);
        env.put("BRIGADE_DB_DIRECT_URL", directUrl);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", command) + "\n# BRIGADE_DB_URL=" + dbUrl
                    + " BRIGADE_DB_DIRECT_URL=" + directUrl + "\n");
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return StartedProcesses.track(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + kind + " " + label, e);
        }
    }

    /** The readiness probe of this program. */
    abstract URI readinessProbe();

    /** Whether GET on the readiness probe answers 200 now. */
    public boolean ready() {
        return answersOk(readinessProbe());
    }

    /** Whether GET on a probe answers 200 now (false when nothing answers). */
    static boolean answersOk(URI probe) {
        try {
            HttpRequest request = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the program is ready; fails with the log's tail if the process dies first. */
    void awaitReadiness(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind + " " + this + " exited with code " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + LogFiles.tail(log, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(kind + " " + this + " not ready within " + timeout + "; log " + log
                        + ":\n" + LogFiles.tail(log, 40));
            }
            Await.sleep(Duration.ofMillis(100));
        }
    }

    Process process() {
        return process;
    }

    String label() {
        return label;
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

    /** SIGKILL: the process vanishes without a word. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(kind + " " + this + " still running after " + timeout + "; log " + log
                        + ":\n" + LogFiles.tail(log, 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Waits for the process to end, at most {@code timeout}; whether it has. */
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

    /** Called by {@link #close()} before the process is killed (a frozen one must be thawed first). */
    void beforeKill() {
    }

    /** Stops it at once if it still runs (the tests' database is thrown away anyway). */
    @Override
    public void close() {
        if (process.isAlive()) {
            beforeKill();
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
