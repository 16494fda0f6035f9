package dev.brigade.it.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data archive of the worker, shared by the worker processes of a test run: start-up is
 * most of what these tests spend (about 4-8 s without it, 2 s with it, on a 2-core machine).
 *
 * <p>Why not {@code -XX:+AutoCreateSharedArchive}: with it every JVM that finds no usable archive
 * writes one, in place, when it exits, and the next JVM maps whatever is there. Workers start
 * and stop together in these tests, so a writer racing a writer or a reader is the normal case,
 * and a torn archive crashes every later JVM while it validates the archive (SIGSEGV in
 * {@code AOTClassLocationConfig::validate}, exit 134). So one worker at a time, the trainer,
 * writes into a file of its own; only once it has exited cleanly is that file probed (a JVM
 * started on it alone must come up) and moved into place atomically. Workers started before then
 * run without an archive; a trainer killed mid-test leaves nothing and the next worker trains.
 * The archive's name carries a fingerprint of the worker's jars, so a rebuilt worker never maps
 * an archive of the one before.
 */
final class WorkerClassArchive {
    private static final Map<Path, Path> ARCHIVES = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static boolean training;
    private static boolean unusable;

    private WorkerClassArchive() {
    }

    /** The JVM flags for the next worker; {@link #started} must be told of the process. */
    static Launch next(Path workerJar) {
        Path archive = archiveFor(workerJar);
        synchronized (LOCK) {
            if (unusable) {
                return Launch.NONE;
            }
            if (Files.isRegularFile(archive)) {
                return new Launch(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off", "-Xlog:aot*=off"), null);
            }
            if (training) {
                return Launch.NONE;
            }
            training = true;
            Path draft = archive.resolveSibling(archive.getFileName() + ".draft-" + System.nanoTime());
            return new Launch(List.of("-XX:ArchiveClassesAtExit=" + draft, "-Xlog:cds*=off", "-Xlog:aot*=off"), draft);
        }
    }

    /** Once the trainer exits, keeps its archive if it is whole and usable, then frees the trainer's place. */
    static void started(Launch launch, Process process, Path workerJar) {
        if (launch.draft() == null) {
            return;
        }
        process.onExit().thenRun(() -> adopt(launch.draft(), process.exitValue(), workerJar));
    }

    private static void adopt(Path draft, int exitValue, Path workerJar) {
        try {
            // 0 or 143 (SIGTERM): the JVM ran its exit path, where the archive is written whole
            boolean exitedCleanly = exitValue == 0 || exitValue == 143;
            if (exitedCleanly && Files.isRegularFile(draft) && Files.size(draft) > 0) {
                if (probe(draft, workerJar)) {
                    Files.move(draft, archiveFor(workerJar), StandardCopyOption.ATOMIC_MOVE);
                } else {
                    synchronized (LOCK) {
                        unusable = true; // this JDK cannot map what it wrote: run every worker without
                    }
                }
            }
            Files.deleteIfExists(draft);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            synchronized (LOCK) {
                training = false;
            }
        }
    }

    /** Whether a JVM with the workers' flags starts on the archive with sharing required (-Xshare:on). */
    private static boolean probe(Path draft, Path workerJar) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Programs.java().toString());
        command.addAll(ProgramProcess.JVM_FLAGS);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + draft, "-cp", workerJar.toString(), "-version"));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!probe.waitFor(60, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** worker-&lt;fingerprint&gt;.jsa under target/it-work; the fingerprint is of the names, sizes and times of the worker's jars. */
    private static Path archiveFor(Path workerJar) {
        return ARCHIVES.computeIfAbsent(workerJar, WorkerClassArchive::fingerprintedArchive);
    }

    private static Path fingerprintedArchive(Path workerJar) {
        Path app = workerJar.getParent();
        long fingerprint = 17;
        try (Stream<Path> files = Files.walk(app)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                fingerprint = 31 * fingerprint + app.relativize(file).toString().hashCode();
                fingerprint = 31 * fingerprint + Files.size(file);
                fingerprint = 31 * fingerprint + Files.getLastModifiedTime(file).toMillis();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.createDirectories(Programs.workRoot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Programs.workRoot().resolve("worker-" + Long.toHexString(fingerprint) + ".jsa");
    }

    /** The archive flags of one worker and, for the trainer, the file its JVM writes at exit. */
    record Launch(List<String> flags, Path draft) {
        static final Launch NONE = new Launch(List.of(), null);
    }
}
