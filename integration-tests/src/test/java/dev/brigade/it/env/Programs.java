package dev.brigade.it.env;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the programs under test and the tests' own files are: the packaged worker (built by the
 * reactor before this module), the JDK running these tests, and the folders under target/.
 */
public final class Programs {
    private static final String WORKER_JAR = "brigade.it.worker-jar";
    private static final String EXAMPLE_WORKER_JAR = "brigade.it.example-worker-jar";

    private Programs() {
    }

    /** The worker's runnable jar; fails with the command that builds it when it is missing. */
    public static Path workerJar() {
        return existingWorkerJar(Path.of(System.getProperty(WORKER_JAR, "../worker/target/quarkus-app/quarkus-run.jar")));
    }

    /** The example application's worker (examples/repository-sync): Brigade's worker with handlers of its own. */
    public static Path exampleWorkerJar() {
        return existingWorkerJar(Path.of(System.getProperty(EXAMPLE_WORKER_JAR,
                "../examples/repository-sync/target/quarkus-app/quarkus-run.jar")), "examples/repository-sync");
    }

    static Path existingWorkerJar(Path path) {
        return existingWorkerJar(path, "worker");
    }

    /** {@code path} if it is there; else fails with the command that builds {@code module}. */
    static Path existingWorkerJar(Path path, String module) {
        Path jar = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged worker is missing: " + jar
                    + " (build it first: ./mvnw -pl " + module + " package -DskipTests, or run ./mvnw verify at the root)");
        }
        return jar;
    }

    /** The java launcher of the JVM running the tests (the build's JDK, Java 25). */
    public static Path java() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** target/it-logs: one folder per test, one log per process started. */
    public static Path logsRoot() {
        return directory("brigade.it.logs", "target/it-logs");
    }

    /** target/it-work: configuration and runtime files of helper processes (PgBouncer). */
    public static Path workRoot() {
        return directory("brigade.it.work", "target/it-work");
    }

    private static Path directory(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }
}
