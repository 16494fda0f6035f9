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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker program running as an OS process ({@code java -jar quarkus-run.jar}), its output
 * in its own log file, its probes on its own management port.
 */
public final class WorkerProcess implements AutoCloseable {
    /** Lean JVM flags: several workers share two cores with PostgreSQL and the tests. */
    private static final List<String> JVM_FLAGS = List.of(
            "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String label;
    private final Process process;
    private final int managementPort;
    private final Path log;
    private final CompletableFuture<Instant> exitedAt;

    private WorkerProcess(String label, Process process, int managementPort, Path log) {
        this.label = label;
        this.process = process;
        this.managementPort = managementPort;
        this.log = log;
        this.exitedAt = process.onExit().thenApply(p -> Instant.now());
    }

    /** When this JVM saw the process end (a few ms after it did); this host's clock, as the database's. */
    public Instant exitedAt() {
        return exitedAt.join();
    }

    /** Starts the worker; returns at once (see {@link #awaitReady}). */
    static WorkerProcess start(String label, WorkerSpec spec, String dbUrl, String directUrl, Path log) {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.addAll(JVM_FLAGS);
        // a class-data archive of the worker, written by the first worker that exits cleanly and
        // mapped by the later ones: start-up is most of what these tests spend
        command.add("-XX:+AutoCreateSharedArchive");
        command.add("-XX:SharedArchiveFile=" + Programs.workRoot().resolve("worker-cds.jsa"));
        command.add("-Xlog:cds*=off"); // its notes about classes it skips are no worker's business
        command.add("-Dbrigade.diagnostic-handlers.enabled=true");
        command.add("-Dquarkus.management.port=" + port);
        command.add("-Dbrigade.worker.concurrency=" + spec.concurrency());
        command.add("-Dbrigade.signals.mode=" + spec.mode().signalsMode());
        spec.properties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(Programs.workerJar().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("BRIGADE_DB_URL", dbUrl);
        env.put("BRIGADE_DB_DIRECT_URL", directUrl);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", command) + "\n# BRIGADE_DB_URL=" + dbUrl
                    + " BRIGADE_DB_DIRECT_URL=" + directUrl + "\n");
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new WorkerProcess(label, StartedProcesses.track(builder.start()), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + label, e);
        }
    }

    /** Waits until GET /q/health/ready answers 200; fails with the log's tail if the process dies first. */
    public WorkerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker " + this + " exited with code " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + LogFiles.tail(log, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + this + " not ready within " + timeout + "; log " + log
                        + ":\n" + LogFiles.tail(log, 40));
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    public boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Whether this process is the one a task's {@code worker} column ({@code pid@host}) names. */
    public boolean named(String workerName) {
        return workerName != null && workerName.startsWith(pid() + "@");
    }

    /** CPU time this process has used so far (zero when the platform does not tell). */
    public Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM: the worker drains and exits. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the worker vanishes without a word. */
    public void kill() {
        process.destroyForcibly();
    }

    /** SIGSTOP: the process freezes (a paused VM, a stalled node), its threads and timers with it. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT: the frozen process resumes where it was. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("worker " + this + " still running after " + timeout + "; log " + log
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

    /** Stops it at once if it still runs (the tests' database is thrown away anyway). */
    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT"); // a frozen process would not die of SIGTERM
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
        return label + " (pid " + pid() + ")";
    }
}
