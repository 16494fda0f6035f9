package dev.brigade.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Probes, ports and paths in the manifests are the ones the programs really serve. */
class ProbesAndPortsTest {

    @Test
    void workerProbesUseTheManagementPortAndTheHealthPaths() {
        ProgramSettings worker = ProgramSettings.WORKER;
        assertThat(worker.managementEnabled()).as("the worker serves its probes on the management interface").isTrue();
        assertProbes("brigade-worker", worker);
    }

    @Test
    void apiServerProbesUseTheHttpPortAndTheHealthPaths() {
        ProgramSettings api = ProgramSettings.API_SERVER;
        assertThat(api.managementEnabled()).as("the api-server serves its probes beside the API").isFalse();
        assertProbes("brigade-api-server", api);
    }

    @Test
    void podsAreScrapedExactlyWhereTheProgramServesMetrics() {
        for (var entry : Map.of("brigade-worker", ProgramSettings.WORKER, "brigade-api-server", ProgramSettings.API_SERVER).entrySet()) {
            Map<String, String> annotations = Workloads.deployment(entry.getKey()).getSpec().getTemplate().getMetadata().getAnnotations();
            boolean scraped = annotations != null && "true".equals(annotations.get("prometheus.io/scrape"));
            ProgramSettings program = entry.getValue();
            assertThat(scraped).as(entry.getKey() + " is scraped exactly when " + program.module() + " serves Prometheus metrics")
                    .isEqualTo(program.servesMetrics());
            if (scraped) {
                assertThat(annotations.get("prometheus.io/path")).as(entry.getKey() + " metrics path").isEqualTo(program.metricsPath());
                assertThat(annotations.get("prometheus.io/port")).as(entry.getKey() + " metrics port")
                        .isEqualTo(String.valueOf(program.probePort()));
            }
        }
    }

    @Test
    void everyServiceTargetsAPortItsPodsDeclare() {
        for (Manifest m : DeployManifests.ofKind(Workloads.BASE, "Service")) {
            Service service = m.as(Service.class);
            Deployment target = DeployManifests.ofKind(Workloads.BASE, "Deployment").stream()
                    .map(d -> d.as(Deployment.class))
                    .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .findFirst().orElseThrow(() -> new AssertionError(m + " selects no Deployment's pods"));
            Container container = target.getSpec().getTemplate().getSpec().getContainers().getFirst();
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(Workloads.resolvePort(container, port.getTargetPort()))
                        .as(m + " port " + port.getName() + " targets a port of " + target.getMetadata().getName()).isPresent();
            }
        }
    }

    @Test
    void apiServerServiceCarriesTheApiPort() {
        Service service = DeployManifests.one(Workloads.BASE, "Service", "brigade-api-server").as(Service.class);
        Container container = Workloads.container("brigade-api-server");
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> assertThat(Workloads.resolvePort(container, port.getTargetPort()))
                .contains(Integer.parseInt(ProgramSettings.API_SERVER.property("quarkus.http.port", "8080"))));
    }

    @Test
    void ingressReachesTheApiAndAcceptsItsLargestBody() {
        Ingress ingress = DeployManifests.one(DeployManifests.under("overlays/kubernetes"), "Ingress", "brigade-api-server").as(Ingress.class);
        Service service = DeployManifests.one(Workloads.BASE, "Service", "brigade-api-server").as(Service.class);
        ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
            IngressServiceBackend backend = path.getBackend().getService();
            assertThat(backend.getName()).isEqualTo("brigade-api-server");
            assertThat(service.getSpec().getPorts()).as("Service port " + backend.getPort())
                    .anyMatch(p -> p.getName().equals(backend.getPort().getName()) || p.getPort().equals(backend.getPort().getNumber()));
        }));
        assertThat(ingress.getSpec().getRules()).flatExtracting(r -> r.getHttp().getPaths()).extracting(p -> p.getPath())
                .contains("/api", ProgramSettings.API_SERVER.property("quarkus.smallrye-openapi.path", "/q/openapi"));
        MemorySize accepted = memory(ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"));
        MemorySize apiLimit = memory(ProgramSettings.API_SERVER.property("quarkus.http.limits.max-body-size", "10240K"));
        assertThat(accepted.asLongValue()).as("the ingress's body limit covers the API's").isGreaterThanOrEqualTo(apiLimit.asLongValue());
    }

    @Test
    void routeReachesTheApiServiceByPortName() {
        Manifest route = DeployManifests.one(DeployManifests.under("overlays/openshift"), "Route", "brigade-api-server");
        JsonNode spec = route.tree().path("spec");
        assertThat(spec.path("to").path("kind").asText()).isEqualTo("Service");
        assertThat(spec.path("to").path("name").asText()).isEqualTo("brigade-api-server");
        Service service = DeployManifests.one(Workloads.BASE, "Service", "brigade-api-server").as(Service.class);
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains(spec.path("port").path("targetPort").asText());
    }

    private static void assertProbes(String deployment, ProgramSettings program) {
        Container container = Workloads.container(deployment);
        assertProbe(deployment + " startupProbe", container, container.getStartupProbe(), program, "started");
        assertProbe(deployment + " livenessProbe", container, container.getLivenessProbe(), program, "live");
        assertProbe(deployment + " readinessProbe", container, container.getReadinessProbe(), program, "ready");
    }

    private static void assertProbe(String what, Container container, Probe probe, ProgramSettings program, String check) {
        assertThat(probe).as(what).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as(what + " is an HTTP GET").isNotNull();
        assertThat(get.getPath()).as(what + " path").isEqualTo(program.healthPath(check));
        assertThat(Workloads.resolvePort(container, get.getPort())).as(what + " port (" + get.getPort() + ")")
                .contains(program.probePort());
    }

    /** Sizes as nginx writes them (2m) or Quarkus does (1088K), read with Quarkus's converter. */
    private static MemorySize memory(String value) {
        assertThat(value).as("a size").isNotBlank();
        return new MemorySizeConverter().convert(value.toUpperCase());
    }
}
