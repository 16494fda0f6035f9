package dev.brigade.it.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each overlay renders with kustomize (the kustomize binary, or kubectl's built-in one) into
 * manifests that parse, all in the overlay's namespace; OpenShift's fixes no user. Skipped, with
 * the reason printed, where neither tool is installed.
 */
class KustomizeBuildTest {

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes", "openshift"})
    void overlayRendersIntoParsableManifestsInOneNamespace(String overlay) {
        List<Manifest> rendered = build("deploy/overlays/" + overlay);
        assertThat(rendered).extracting(Manifest::kind)
                .contains("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "ScaledObject", "TriggerAuthentication");
        String namespace = DeployManifests.parse(RepositoryFiles.path("deploy/overlays/" + overlay + "/kustomization.yaml")).getFirst()
                .tree().path("namespace").asText();
        assertThat(namespace).isNotBlank();
        rendered.forEach(m -> assertThat(m.tree().path("metadata").path("namespace").asText()).as(m.toString()).isEqualTo(namespace));
        rendered.forEach(m -> assertThat(UnknownFields.of(m)).as("unknown fields of rendered " + m).isEmpty());
        Deployment worker = deployment(rendered, "brigade-worker");
        assertThat(worker.getSpec().getReplicas()).as("KEDA owns the worker count").isNull();
    }

    @Test
    void openshiftFixesNoUserOrGroupSoTheRestrictedSccAssignsThem() {
        List<String> fixed = new ArrayList<>();
        for (Manifest m : build("deploy/overlays/openshift")) {
            for (String field : List.of("runAsUser", "runAsGroup", "fsGroup")) {
                if (!m.tree().findValues(field).isEmpty()) {
                    fixed.add(m + ": " + field);
                }
            }
        }
        assertThat(fixed).isEmpty();
    }

    @Test
    void kubernetesGivesPgBouncersNamedImageUserANumericUid() {
        Deployment pgbouncer = deployment(build("deploy/overlays/kubernetes"), "brigade-pgbouncer");
        assertThat(pgbouncer.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isNotNull().isPositive();
    }

    @Test
    void nativeWorkerComponentSwapsImageAndMemoryTogether() throws IOException {
        Path overlay = Files.createTempDirectory(RepositoryFiles.path("integration-tests/target"), "native-overlay");
        String toDeploy = overlay.relativize(RepositoryFiles.path("deploy")).toString().replace(File.separatorChar, '/');
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %1$s/base
                components:
                  - %1$s/components/native-worker
                """.formatted(toDeploy));
        try {
            Container worker = deployment(build(RepositoryFiles.relative(overlay)), "brigade-worker")
                    .getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertThat(worker.getImage()).contains("worker-native");
            assertThat(worker.getResources().getLimits().get("memory").toString()).isEqualTo("128Mi");
        } finally {
            Files.deleteIfExists(overlay.resolve("kustomization.yaml"));
            Files.deleteIfExists(overlay);
        }
    }

    private static Deployment deployment(List<Manifest> manifests, String name) {
        return DeployManifests.one(manifests, "Deployment", name).as(Deployment.class);
    }

    /** kustomize build of a folder (relative to the repository), parsed. */
    private static List<Manifest> build(String folder) {
        List<String> command = new ArrayList<>(tool());
        command.add(RepositoryFiles.path(folder).toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " finishes").isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + err).isZero();
            return DeployManifests.parse(new String(out, StandardCharsets.UTF_8), RepositoryFiles.path(folder).resolve("(kustomize build)"));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> tool() {
        Optional<Path> kustomize = onPath("kustomize");
        if (kustomize.isPresent()) {
            return List.of(kustomize.get().toString(), "build", "--load-restrictor", "LoadRestrictionsNone");
        }
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isPresent()) {
            return List.of(kubectl.get().toString(), "kustomize", "--load-restrictor", "LoadRestrictionsNone");
        }
        Assumptions.abort("kustomize build SKIPPED: neither `kustomize` nor `kubectl` is on PATH "
                + "(install one, e.g. apt-get install kubectl, to render deploy/overlays)");
        throw new IllegalStateException("unreachable");
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
