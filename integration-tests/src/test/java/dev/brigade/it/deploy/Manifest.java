package dev.brigade.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Path;

/** One YAML document of a manifest file: its tree, and the typed Kubernetes object it reads as. */
record Manifest(Path file, int document, JsonNode tree) {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    String apiVersion() {
        return tree.path("apiVersion").asText("");
    }

    String kind() {
        return tree.path("kind").asText("");
    }

    String name() {
        return tree.path("metadata").path("name").asText("");
    }

    /** The object fabric8 maps this apiVersion and kind to (GenericKubernetesResource when it has no model for it). */
    KubernetesResource typed() {
        return SERIALIZATION.convertValue(tree, KubernetesResource.class);
    }

    <T> T as(Class<T> type) {
        return SERIALIZATION.convertValue(tree, type);
    }

    /** File and document, for failure messages. */
    String where() {
        return RepositoryFiles.relative(file) + (document > 0 ? " (document " + (document + 1) + ")" : "");
    }

    @Override
    public String toString() {
        return kind() + "/" + name() + " in " + where();
    }
}
