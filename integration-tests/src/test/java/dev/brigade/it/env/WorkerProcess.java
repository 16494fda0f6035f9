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
import java.util.concurrent.CompletableFuture;

/**
 * One worker program running as an OS process ({@code java -jar quarkus-run.jar}), its output
 * in its own log file, its probes on its own management port.
 */
public final class WorkerProcess extends ProgramProcess {
    private static final HttpClient PROBE_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final int managementPort;
    private final Path runLog;
    private final CompletableFuture<Instant> exitedAt;

    private WorkerProcess(String label, Process process, int managementPort, Path log, Path runLog) {
        super("worker", label, process, log);
        this.managementPort = managementPort;
        this.runLog = runLog;
        this.exitedAt = process.onExit().thenApply(p -> Instant.now());
    }

    /** When this JVM saw the process end (a few ms after it did); this host's clock, as the database's. */
    public Instant exitedAt() {
        return exitedAt.join();
    }

    /** Starts the worker; returns at once (see {@link #awaitReady}). */
    static WorkerProcess start(String label, WorkerSpec spec, String dbUrl, String directUrl, Path log) {
        int port = FreePorts.next();
        Path runLog = runLogBeside(log, label);
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.addAll(JVM_FLAGS);
        Path jar = spec.jar();
        WorkerClassArchive.Launch archive = WorkerClassArchive.next(jar);
        command.addAll(archive.flags());
        command.add("-Dbrigade.diagnostic-handlers.enabled=true");
        command.add("-Dbrigade.diagnostic-handlers.run-log=" + runLog);
        command.add("-Dquarkus.management.port=" + port);
        command.add("-Dbrigade.worker.concurrency=" + spec.concurrency());
        command.add("-Dbrigade.signals.mode=" + spec.mode().signalsMode());
        spec.properties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Process process = launch("worker", label, command, dbUrl, directUrl, log);
        WorkerClassArchive.started(archive, process, jar);
        return new WorkerProcess(label, process, port, log, runLog);
    }

    /** Where brigade.record writes this worker's handler runs: beside its log, emptied first (a rerun reuses names). */
    private static Path runLogBeside(Path log, String label) {
        Path runLog = log.resolveSibling(label + ".runs");
        try {
            Files.deleteIfExists(runLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runLog;
    }

    /** The handler runs brigade.record wrote in this process (see {@code HandlerRun}). */
    public Path runLog() {
        return runLog;
    }

    /** Waits until GET /q/health/ready answers 200; fails with the log's tail if the process dies first. */
    public WorkerProcess awaitReady(Duration timeout) {
        awaitReadiness(timeout);
        return this;
    }

    @Override
    URI readinessProbe() {
        return URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
    }

    /** Whether the started and live probes (what Kubernetes restarts a container on) answer 200 now. */
    public boolean startedAndLive() {
        return answersOk(URI.create("http://127.0.0.1:" + managementPort + "/q/health/started"))
                && answersOk(URI.create("http://127.0.0.1:" + managementPort + "/q/health/live"));
    }

    /** Signals mode relay: whether the worker's readiness probe says it is connected to the relay now. */
    public boolean relayConnected() {
        try {
            HttpRequest request = HttpRequest.newBuilder(readinessProbe()).timeout(Duration.ofSeconds(2)).GET().build();
            String body = PROBE_CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return body.replace(" ", "").contains("\"relay_connected\":true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether this process is the one a task's {@code worker} column ({@code pid@host}) names. */
    public boolean named(String workerName) {
        return workerName != null && workerName.startsWith(pid() + "@");
    }

    /** CPU time this process has used so far (zero when the platform does not tell). */
    public Duration cpuTime() {
        return process().info().totalCpuDuration().orElse(Duration.ZERO);
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

    @Override
    void beforeKill() {
        signal("CONT"); // thawed first, so that a frozen worker dies like any other
    }

    @Override
    public String toString() {
        return label() + " (pid " + pid() + ")";
    }
}
