package dev.brigade.it.env;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to start a worker process: its connection mode, concurrency, any other brigade.* setting,
 * and the program (Brigade's worker unless a test runs a worker of its own handlers).
 */
public record WorkerSpec(ConnectionMode mode, int concurrency, Map<String, String> properties, Optional<Path> program) {

    public WorkerSpec {
        properties = Map.copyOf(properties);
    }

    /**
     * A worker for a system test. Polling workers (mode poll, and relay while the relay is away)
     * back off to at most 2 s between polls instead of the default 20 s: the tests wait for
     * pickups within seconds. Benchmarks take {@link #defaults}.
     */
    public static WorkerSpec of(ConnectionMode mode) {
        WorkerSpec spec = defaults(mode);
        return mode.throughPgBouncer() && !mode.signalsMode().equals("listen")
                ? spec.with("brigade.worker.poll-max-interval", "2S") : spec;
    }

    /** A worker with every default of the product (what the benchmarks measure). */
    public static WorkerSpec defaults(ConnectionMode mode) {
        return new WorkerSpec(mode, 1, Map.of(), Optional.empty());
    }

    public WorkerSpec concurrency(int tasksAtOnce) {
        return new WorkerSpec(mode, tasksAtOnce, properties, program);
    }

    /** brigade.worker.ttl: a killed worker's tasks are freed about two of these later. */
    public WorkerSpec ttl(Duration ttl) {
        return with("brigade.worker.ttl", ttl.toMillis() % 1000 == 0 ? ttl.toSeconds() + "S" : ttl.toMillis() + "ms");
    }

    public WorkerSpec with(String property, String value) {
        Map<String, String> more = new LinkedHashMap<>(properties);
        more.put(property, value);
        return new WorkerSpec(mode, concurrency, more, program);
    }

    /** Another worker program: an application built on the worker artifact (its runnable jar). */
    public WorkerSpec program(Path jar) {
        return new WorkerSpec(mode, concurrency, properties, Optional.of(jar));
    }

    Path jar() {
        return program.orElseGet(Programs::workerJar);
    }
}
