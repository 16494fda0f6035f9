package dev.brigade.it.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of many worker identities ({@code dev.brigade.bench.fleet.FleetHost}): the worker's
 * own classes on this test JVM's classpath, one app_status row, pool and loop per identity.
 * Ready once every identity has started.
 */
public final class FleetHostProcess extends ProgramProcess {
    private static final String MAIN = "dev.brigade.bench.fleet.FleetHost";
    /** Heap for the host itself, and per identity (its pool, threads' objects, local queue): measured generously. */
    private static final int BASE_HEAP_MB = 256;
    private static final int HEAP_PER_IDENTITY_MB = 2;

    private final int port;
    private final int identities;

    private FleetHostProcess(String label, Process process, Path log, int port, int identities) {
        super("fleet", label, process, log);
        this.port = port;
        this.identities = identities;
    }

    static FleetHostProcess start(String label, int identities, Duration startOver, WorkerSpec spec,
                                  String dbUrl, String directUrl, Path log) {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.add("-Xmx" + (BASE_HEAP_MB + HEAP_PER_IDENTITY_MB * identities) + "m");
        command.add("-Xss512k"); // as the worker processes: thousands of platform threads (a few per identity)
        command.add("-XX:+UseSerialGC");
        // the worker's log lines through java.util.logging, one line each (no Quarkus to configure its log manager)
        command.add("-Dorg.jboss.logging.provider=jdk");
        command.add("-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n");
        command.add("-Dfleet.identities=" + identities);
        command.add("-Dfleet.start-over=" + startOver);
        command.add("-Dfleet.label=" + label);
        command.add("-Dfleet.port=" + port);
        command.add("-Dbrigade.worker.concurrency=" + spec.concurrency());
        command.add("-Dbrigade.signals.mode=" + spec.mode().signalsMode());
        spec.properties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("@" + classPathFile(log)); // the test JVM's classpath (the worker's jar among it), kept out of the log's first line
        command.add(MAIN);
        return new FleetHostProcess(label, launch("fleet", label, command, dbUrl, directUrl, log), log, port, identities);
    }

    private static Path classPathFile(Path log) {
        Path file = log.resolveSibling(log.getFileName() + ".classpath");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public int identities() {
        return identities;
    }

    /** Waits until every identity has started; fails with the log's tail if the process dies first. */
    public FleetHostProcess awaitReady(Duration timeout) {
        awaitReadiness(timeout);
        return this;
    }

    @Override
    URI readinessProbe() {
        return URI.create("http://127.0.0.1:" + port + "/ready");
    }

    @Override
    public String toString() {
        return label() + " (" + identities + " identities, pid " + pid() + ")";
    }
}
