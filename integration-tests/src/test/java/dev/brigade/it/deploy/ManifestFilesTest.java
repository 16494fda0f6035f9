package dev.brigade.it.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file under deploy/ parses, names its kind, and holds only fields its schema knows. */
class ManifestFilesTest {

    @Test
    void everyYamlFileUnderDeployParses() {
        List<Path> files = DeployManifests.yamlFiles();
        assertThat(files).as("YAML files under deploy/").hasSizeGreaterThan(10);
        for (Path file : files) {
            List<Manifest> documents = DeployManifests.parse(file);
            assertThat(documents).as(RepositoryFiles.relative(file) + " holds at least one document").isNotEmpty();
            for (Manifest m : documents) {
                assertThat(m.apiVersion()).as("apiVersion of " + m.where()).isNotBlank();
                assertThat(m.kind()).as("kind of " + m.where()).isNotBlank();
            }
        }
    }

    @Test
    void everyManifestHoldsOnlyFieldsItsSchemaKnows() {
        List<String> unknown = new ArrayList<>();
        for (Manifest m : DeployManifests.all()) {
            UnknownFields.of(m).forEach(field -> unknown.add(m + ": " + field));
        }
        assertThat(unknown).as("fields no schema knows (misspelt keys are dropped silently by the API server)").isEmpty();
    }

    @Test
    void everyObjectOutsideKustomizeFilesIsNamedAndNamespaceAgnostic() {
        for (Manifest m : DeployManifests.all()) {
            if (m.kind().equals("Kustomization") || m.kind().equals("Component")) {
                continue;
            }
            assertThat(m.name()).as("metadata.name of " + m.where()).isNotBlank();
            assertThat(m.tree().path("metadata").has("namespace"))
                    .as(m + " leaves the namespace to the overlay").isFalse();
        }
    }

    @Test
    void kustomizationsListOnlyFilesThatExist() {
        for (Manifest m : DeployManifests.all()) {
            if (!m.kind().equals("Kustomization") && !m.kind().equals("Component")) {
                continue;
            }
            Path folder = m.file().getParent();
            for (String list : List.of("resources", "components")) {
                m.tree().path(list).forEach(entry -> assertThat(folder.resolve(entry.asText()).normalize())
                        .as(list + " entry " + entry.asText() + " of " + m.where()).exists());
            }
        }
    }
}
