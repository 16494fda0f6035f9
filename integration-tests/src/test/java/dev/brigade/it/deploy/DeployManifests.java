package dev.brigade.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The YAML under deploy/, read document by document. */
final class DeployManifests {
    static final Path DEPLOY = RepositoryFiles.path("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployManifests() {
    }

    static List<Path> yamlFiles() {
        return RepositoryFiles.filesUnder(DEPLOY, ".yaml", ".yml");
    }

    /** Every document of a file; an unparsable file fails here, naming itself. */
    static List<Manifest> parse(Path file) {
        return parse(RepositoryFiles.read(file), file);
    }

    static List<Manifest> parse(String yaml, Path origin) {
        List<Manifest> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode tree = docs.nextValue();
                if (tree != null && !tree.isNull() && !tree.isMissingNode()) {
                    documents.add(new Manifest(origin, index, tree));
                }
                index++;
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("not valid YAML: " + RepositoryFiles.relative(origin) + ": " + e.getMessage(), e);
        }
        return documents;
    }

    /** Every document of every file under a folder of deploy/ ("base", "overlays/openshift", ...). */
    static List<Manifest> under(String folder) {
        return RepositoryFiles.filesUnder(DEPLOY.resolve(folder), ".yaml", ".yml").stream()
                .flatMap(f -> parse(f).stream())
                .toList();
    }

    static List<Manifest> all() {
        return under(".");
    }

    static Manifest one(List<Manifest> manifests, String kind, String name) {
        List<Manifest> found = manifests.stream().filter(kindAndName(kind, name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + "/" + name + ", found " + found);
        }
        return found.getFirst();
    }

    static List<Manifest> ofKind(List<Manifest> manifests, String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    private static Predicate<Manifest> kindAndName(String kind, String name) {
        return m -> m.kind().equals(kind) && m.name().equals(name);
    }
}
