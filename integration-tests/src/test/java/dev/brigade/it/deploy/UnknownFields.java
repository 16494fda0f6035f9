package dev.brigade.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields no schema knows: a misspelt key (terminationGracePeriodSecond, readinessprobe) is
 * silently dropped by the API server, so it is a failure here. Kubernetes kinds are checked
 * against fabric8's model (unknown keys land in additionalProperties); the custom kinds
 * Brigade uses (KEDA, Route, kustomize) against the keys their documentation lists.
 */
final class UnknownFields {
    private static final Map<String, Set<String>> CUSTOM_TOP_LEVEL = Map.of(
            "Kustomization", Set.of("apiVersion", "kind", "metadata", "namespace", "namePrefix", "nameSuffix", "resources",
                    "components", "patches", "images", "labels", "commonAnnotations", "configMapGenerator",
                    "secretGenerator", "generatorOptions", "replicas", "replacements", "buildMetadata"),
            "Component", Set.of("apiVersion", "kind", "metadata", "resources", "components", "patches", "images", "labels",
                    "commonAnnotations", "configMapGenerator", "secretGenerator", "replacements"),
            "ScaledObject", Set.of("apiVersion", "kind", "metadata", "spec"),
            "TriggerAuthentication", Set.of("apiVersion", "kind", "metadata", "spec"),
            "Route", Set.of("apiVersion", "kind", "metadata", "spec"));
    private static final Map<String, Set<String>> CUSTOM_SPEC = Map.of(
            "ScaledObject", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"),
            "TriggerAuthentication", Set.of("secretTargetRef", "env", "configMapTargetRef", "podIdentity",
                    "hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager", "boundServiceAccountToken"),
            "Route", Set.of("host", "subdomain", "path", "to", "alternateBackends", "port", "tls", "wildcardPolicy", "httpHeaders"));
    /** The postgresql scaler's trigger metadata and authentication parameters (KEDA's postgresql_scaler.go). */
    static final Set<String> POSTGRESQL_TRIGGER_METADATA = Set.of("query", "targetQueryValue", "activationTargetQueryValue",
            "connectionFromEnv", "host", "port", "userName", "dbName", "sslmode", "passwordFromEnv");
    static final Set<String> POSTGRESQL_AUTH_PARAMETERS = Set.of("connection", "password", "host", "port", "userName", "dbName", "sslmode");
    private static final Set<String> TRIGGER_KEYS = Set.of("type", "name", "metadata", "metricType", "useCachedMetrics", "authenticationRef");

    private UnknownFields() {
    }

    /** Where each unknown field is, as "path.to.field"; empty when the manifest is clean. */
    static List<String> of(Manifest manifest) {
        List<String> found = new ArrayList<>();
        Set<String> topLevel = CUSTOM_TOP_LEVEL.get(manifest.kind());
        if (topLevel != null) {
            unknownKeys(manifest.tree(), topLevel, "", found);
            Set<String> spec = CUSTOM_SPEC.get(manifest.kind());
            if (spec != null) {
                unknownKeys(manifest.tree().path("spec"), spec, "spec.", found);
            }
            if (manifest.kind().equals("ScaledObject")) {
                for (JsonNode trigger : manifest.tree().path("spec").path("triggers")) {
                    unknownKeys(trigger, TRIGGER_KEYS, "spec.triggers[].", found);
                    if (trigger.path("type").asText().equals("postgresql")) {
                        unknownKeys(trigger.path("metadata"), POSTGRESQL_TRIGGER_METADATA, "spec.triggers[].metadata.", found);
                    }
                }
            }
            return found;
        }
        Object typed = manifest.typed();
        if (typed instanceof GenericKubernetesResource) {
            found.add("(no model for " + manifest.apiVersion() + " " + manifest.kind() + ")");
            return found;
        }
        walk(typed, manifest.kind(), found);
        return found;
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String path, List<String> found) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                found.add(path + key);
            }
        });
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            items.forEach(item -> walk(item, path + "[]", found));
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = call(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add(path + "." + k));
                }
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                walk(child, path + "." + field, found);
            }
        }
    }

    private static Object call(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
