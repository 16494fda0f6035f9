package dev.brigade.it.deploy;

import dev.brigade.core.config.DatabaseUrlConfigSource;
import dev.brigade.core.config.DatabaseUrls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.runtime.configuration.DurationConverter;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment the manifests give each program names settings that program really reads,
 * with values it can parse, and the timing between Kubernetes and the worker's shutdown holds.
 */
class EnvironmentSettingsTest {
    private static final List<Manifest> EXAMPLES = DeployManifests.under("examples");

    @Test
    void everyBrigadeAndQuarkusVariableOfTheWorkerIsAWorkerSetting() {
        assertEveryVariableIsRead("brigade-worker", ProgramSettings.WORKER);
    }

    @Test
    void everyBrigadeAndQuarkusVariableOfTheApiServerIsAnApiServerSetting() {
        assertEveryVariableIsRead("brigade-api-server", ProgramSettings.API_SERVER);
    }

    @Test
    void theWorkerConfigMapSetsTheDocumentedWorkerSettings() {
        Map<String, String> env = environmentOf("brigade-worker");
        assertThat(env).containsKeys("BRIGADE_WORKER_CONCURRENCY", "BRIGADE_WORKER_SHUTDOWN_GRACE", "BRIGADE_SIGNALS_MODE",
                DatabaseUrlConfigSource.DB_URL, DatabaseUrlConfigSource.DB_DIRECT_URL);
        assertThat(env.get("BRIGADE_SIGNALS_MODE")).isIn("listen", "poll", "relay");
        assertThat(Integer.parseInt(env.get("BRIGADE_WORKER_CONCURRENCY"))).isPositive();
    }

    @Test
    void relayModeWorkersFindTheApiServerServiceAndShareItsSecret() {
        Map<String, String> worker = environmentOf("brigade-worker");
        if (!"relay".equals(worker.get("BRIGADE_SIGNALS_MODE"))) {
            return;
        }
        URI relay = URI.create(worker.get("BRIGADE_RELAY_URL"));
        Service api = DeployManifests.one(Workloads.BASE, "Service", "brigade-api-server").as(Service.class);
        assertThat(relay.getHost()).as("BRIGADE_RELAY_URL names the api-server's Service").isEqualTo(api.getMetadata().getName());
        assertThat(api.getSpec().getPorts()).as("the Service serves the relay's port").anyMatch(p -> p.getPort() == relay.getPort());
        String secret = worker.get("BRIGADE_RELAY_SECRET");
        assertThat(secret).as("the worker presents the relay secret").isNotBlank();
        assertThat(environmentOf("brigade-api-server").get("BRIGADE_RELAY_SECRET"))
                .as("the api-server checks the same secret").isEqualTo(secret);
    }

    @Test
    void kubernetesWaitsLongerThanTheWorkersShutdownGraceBeforeSigkill() {
        Deployment worker = Workloads.deployment("brigade-worker");
        long sigkillAfter = worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        Duration grace = DurationConverter.parseDuration(environmentOf("brigade-worker").get("BRIGADE_WORKER_SHUTDOWN_GRACE"));
        assertThat(grace).as("brigade.worker.shutdown-grace").isPositive();
        Duration margin = Duration.ofSeconds(sigkillAfter).minus(grace);
        assertThat(margin).as("terminationGracePeriodSeconds (%d s) minus the shutdown grace (%s): time to record the "
                + "aborted tasks and delete the app_status row before SIGKILL", sigkillAfter, grace)
                .isBetween(Duration.ofSeconds(10), Duration.ofMinutes(2));
    }

    @Test
    void diagnosticHandlersAreNeverTurnedOnByTheManifests() {
        for (String deployment : List.of("brigade-worker", "brigade-api-server")) {
            assertThat(environmentOf(deployment)).as(deployment).doesNotContainKey("BRIGADE_DIAGNOSTIC_HANDLERS_ENABLED");
        }
    }

    @Test
    void databaseUrlsGoThroughPgBouncerExceptTheDirectOne() {
        Secret example = DeployManifests.one(EXAMPLES, "Secret", "brigade-database").as(Secret.class);
        assertThat(example.getStringData()).containsOnlyKeys(DatabaseUrlConfigSource.DB_URL, DatabaseUrlConfigSource.DB_DIRECT_URL);
        example.getStringData().values().forEach(DatabaseUrls::parse);

        Service pgbouncer = DeployManifests.one(Workloads.BASE, "Service", "brigade-pgbouncer").as(Service.class);
        URI pooled = URI.create(example.getStringData().get(DatabaseUrlConfigSource.DB_URL));
        URI direct = URI.create(example.getStringData().get(DatabaseUrlConfigSource.DB_DIRECT_URL));
        assertThat(pooled.getHost()).isEqualTo(pgbouncer.getMetadata().getName());
        assertThat(pgbouncer.getSpec().getPorts()).anyMatch(p -> p.getPort() == pooled.getPort());
        assertThat(direct.getHost()).as("LISTEN through a transaction-mode pooler receives nothing: the direct URL bypasses it")
                .isNotEqualTo(pgbouncer.getMetadata().getName());
        assertThat(direct.getQuery()).as("the direct URL verifies the server (TLS)").contains("sslmode=verify-full");
    }

    @Test
    void theCaMountedForTlsIsTheOneTheExampleDirectUrlNames() {
        Secret example = DeployManifests.one(EXAMPLES, "Secret", "brigade-database").as(Secret.class);
        String rootCert = URI.create(example.getStringData().get(DatabaseUrlConfigSource.DB_DIRECT_URL)).getQuery()
                .replaceFirst("^.*sslrootcert=([^&]+).*$", "$1");
        for (String deployment : List.of("brigade-worker", "brigade-api-server")) {
            Container container = Workloads.container(deployment);
            assertThat(container.getVolumeMounts()).as(deployment + " mounts the folder of " + rootCert)
                    .anyMatch(mount -> rootCert.startsWith(mount.getMountPath() + "/"));
        }
    }

    private static void assertEveryVariableIsRead(String deployment, ProgramSettings program) {
        List<String> unknown = new ArrayList<>();
        for (String name : environmentOf(deployment).keySet()) {
            if ((name.startsWith("BRIGADE_") || name.startsWith("QUARKUS_")) && !program.reads(name)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("variables of " + deployment + " that name no setting of " + program.module()
                + " (known: " + program.propertyNames() + ")").isEmpty();
    }

    /**
     * The variables a Deployment's container gets: its ConfigMaps (from deploy/base), its Secrets
     * (from deploy/examples, which show their keys) and its own env entries.
     */
    static Map<String, String> environmentOf(String deployment) {
        Container container = Workloads.container(deployment);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                ConfigMap map = DeployManifests.one(Workloads.BASE, "ConfigMap", source.getConfigMapRef().getName()).as(ConfigMap.class);
                env.putAll(map.getData());
            }
            if (source.getSecretRef() != null) {
                Secret secret = DeployManifests.one(EXAMPLES, "Secret", source.getSecretRef().getName()).as(Secret.class);
                env.putAll(secret.getStringData());
            }
        }
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue());
        }
        return env;
    }
}
