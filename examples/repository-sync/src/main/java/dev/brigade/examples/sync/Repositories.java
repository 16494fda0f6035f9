package dev.brigade.examples.sync;

import dev.brigade.core.handler.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repositories on disk: a folder per repository under the configured storage, named by a
 * checked name (never a path a caller chose), and the files of a folder with their digests.
 */
@ApplicationScoped
public class Repositories {
    /** Kept beside a repository's files by repository.index; not content. */
    static final String INDEX_FILE = ".index.json";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path storage;

    public Repositories(StorageConfig config) {
        this.storage = config.storage().toAbsolutePath().normalize();
    }

    /** The resource a task on the repository reserves: syncs and indexes of one repository queue up. */
    public static String resource(String repository) {
        return "repository:" + repository;
    }

    /** The folder of {@code repository}; a name that is not a plain lower-case name fails the task. */
    public Path folder(String repository) throws TaskFailure {
        if (repository == null || !NAME.matcher(repository).matches()) {
            throw new TaskFailure("args.repository must be 1..64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        return storage.resolve(repository);
    }

    /** The content files of a folder (not hidden ones: its index, partial copies), by name: the order a sync copies them in. */
    public static List<Path> files(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")) // the index, partial copies
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
