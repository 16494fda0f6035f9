package dev.brigade.examples.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TypedTaskHandler;
import dev.brigade.core.task.DispatchRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * repository.sync: brings a repository up to date with its source, a folder of files (a mounted
 * remote, say). A long task: it reports progress per file, stops between files when canceled, and
 * when done dispatches its child, repository.index, which waits for the sync (both hold the
 * repository exclusively) and then indexes what it brought. Dispatch it with
 * {@code "exclusive_resources": ["repository:<name>"]} so that two syncs of one repository queue.
 */
@ApplicationScoped
public class RepositorySync implements TypedTaskHandler<RepositorySync.Args> {
    private static final Logger LOG = Logger.getLogger(RepositorySync.class);

    /**
     * @param repository the repository's name (a folder under the storage)
     * @param source     an absolute path of the folder to sync from
     * @param pauseMs    a pause after each file copied, to spare a slow source (none when left out)
     */
    @RegisterForReflection
    public record Args(String repository, String source, @JsonProperty("pause_ms") Long pauseMs) {
        public Args {
            pauseMs = pauseMs == null ? 0 : pauseMs;
            if (pauseMs < 0) {
                throw new IllegalArgumentException("pause_ms must be at least 0");
            }
        }
    }

    /** What a sync did; {@code indexTask} is the child that indexes the result. */
    @RegisterForReflection
    public record Synced(String repository, int copied, int unchanged, long bytes,
                         @JsonProperty("index_task") UUID indexTask) {
    }

    private final Repositories repositories;

    public RepositorySync(Repositories repositories) {
        this.repositories = repositories;
    }

    @Override
    public String name() {
        return "repository.sync";
    }

    @Override
    public Class<Args> argsType() {
        return Args.class;
    }

    @Override
    public Object handle(Args args, TaskContext context) throws Exception {
        Path target = repositories.folder(args.repository());
        Path source = sourceFolder(args.source());
        List<Path> files = Repositories.files(source);
        Files.createDirectories(target);

        context.progress("sync.files", "Syncing " + args.repository(), files.size(), 0);
        int copied = 0;
        int unchanged = 0;
        long bytes = 0;
        for (Path file : files) {
            if (context.cancelRequested()) {
                throw new InterruptedException("canceled after " + (copied + unchanged) + " of " + files.size() + " files");
            }
            Path copy = target.resolve(file.getFileName());
            if (sameContent(file, copy)) {
                unchanged++;
            } else {
                copyAtomically(file, copy);
                copied++;
                bytes += Files.size(copy);
                if (args.pauseMs() > 0) {
                    context.sleep(Duration.ofMillis(args.pauseMs()));
                }
            }
            context.progress("sync.files", "Syncing " + args.repository(), files.size(), copied + unchanged);
        }
        LOG.infof("synced %s from %s: %d copied, %d unchanged", args.repository(), source, copied, unchanged);

        String resource = Repositories.resource(args.repository());
        UUID index = context.dispatchChild(DispatchRequest.of("repository.index",
                        JsonNodeFactory.instance.objectNode().put("repository", args.repository()))
                .withResources(List.of(resource), List.of()));
        return new Synced(args.repository(), copied, unchanged, bytes, index);
    }

    private static Path sourceFolder(String source) throws TaskFailure {
        if (source == null || source.isBlank()) {
            throw new TaskFailure("args.source must be the absolute path of a folder");
        }
        Path path = Path.of(source);
        if (!path.isAbsolute() || !Files.isDirectory(path)) {
            throw new TaskFailure("args.source must be the absolute path of a folder; there is no folder " + source);
        }
        return path;
    }

    private static boolean sameContent(Path file, Path copy) throws IOException {
        return Files.isRegularFile(copy) && Files.size(copy) == Files.size(file)
                && Repositories.sha256(copy).equals(Repositories.sha256(file));
    }

    /** Through a temporary file and a rename: a sync stopped midway leaves no half-copied file. */
    private static void copyAtomically(Path file, Path copy) throws IOException {
        Path partial = copy.resolveSibling("." + copy.getFileName() + ".partial");
        Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
