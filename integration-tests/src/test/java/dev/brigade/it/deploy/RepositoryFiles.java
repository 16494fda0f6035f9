package dev.brigade.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The repository's files, found from the module's working directory (Maven runs tests in integration-tests/). */
public final class RepositoryFiles {
    public static final Path ROOT = findRoot();

    private RepositoryFiles() {
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(String relative) {
        return read(path(relative));
    }

    /** Regular files under a folder whose names end with one of the suffixes, in a stable order. */
    static List<Path> filesUnder(Path folder, String... suffixes) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path file) {
        return ROOT.relativize(file.toAbsolutePath()).toString();
    }

    private static Path findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("worker/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Brigade repository (deploy/ and worker/pom.xml) above " + Path.of("").toAbsolutePath());
    }
}
