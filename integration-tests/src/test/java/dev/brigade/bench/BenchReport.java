package dev.brigade.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Prints each result line and appends it to target/bench/results.md, for docs/benchmarks.md. */
final class BenchReport {
    private BenchReport() {
    }

    static void line(String text) {
        System.out.println("[bench] " + text);
        Path file = Path.of(System.getProperty("brigade.it.work", "target"), "..", "bench", "results.md").normalize();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
