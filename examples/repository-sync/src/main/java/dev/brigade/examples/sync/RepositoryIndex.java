package dev.brigade.examples.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TypedTaskHandler;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * repository.index: writes a repository's index (each file with its size and SHA-256, in
 * {@code .index.json}) and answers its summary. Short, so it may run immediately: dispatched with
 * {@code "immediate": true} it is claimed before any other task (the stock api-server does not
 * have this handler, so a worker runs it).
 */
@ApplicationScoped
public class RepositoryIndex implements TypedTaskHandler<RepositoryIndex.Args> {

    @RegisterForReflection
    public record Args(String repository) {
    }

    /** {@code digest}: the SHA-256 of the index itself, which names the repository's content. */
    @RegisterForReflection
    public record Indexed(String repository, int files, long bytes, String digest) {
    }

    private final Repositories repositories;

    public RepositoryIndex(Repositories repositories) {
        this.repositories = repositories;
    }

    @Override
    public String name() {
        return "repository.index";
    }

    @Override
    public boolean mayRunImmediately() {
        return true;
    }

    @Override
    public Class<Args> argsType() {
        return Args.class;
    }

    @Override
    public Object handle(Args args, TaskContext context) throws Exception {
        Path folder = repositories.folder(args.repository());
        if (!Files.isDirectory(folder)) {
            throw new TaskFailure("no repository " + args.repository() + " yet: sync it first");
        }
        List<Path> files = Repositories.files(folder);
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        long bytes = 0;
        for (Path file : files) {
            long size = Files.size(file);
            bytes += size;
            entries.add(JsonNodeFactory.instance.objectNode()
                    .put("name", file.getFileName().toString())
                    .put("size", size)
                    .put("sha256", Repositories.sha256(file)));
        }
        ObjectNode index = JsonNodeFactory.instance.objectNode().put("repository", args.repository());
        index.set("files", entries);
        byte[] written = index.toPrettyString().getBytes(UTF_8);

        Path partial = folder.resolve(Repositories.INDEX_FILE + ".partial");
        Files.write(partial, written);
        Files.move(partial, folder.resolve(Repositories.INDEX_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        MessageDigest digest = Repositories.sha256();
        return new Indexed(args.repository(), files.size(), bytes, HexFormat.of().formatHex(digest.digest(written)));
    }
}
