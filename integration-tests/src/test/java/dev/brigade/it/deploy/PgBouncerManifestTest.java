package dev.brigade.it.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PgBouncer runs in transaction mode with the settings the programs need, on the files it is given. */
class PgBouncerManifestTest {
    private static final Deployment DEPLOYMENT = Workloads.deployment("brigade-pgbouncer");
    private static final Container CONTAINER = Workloads.container("brigade-pgbouncer");
    private static final Map<String, String> INI = settings();

    @Test
    void poolsTransactionsAndAcceptsTheVertxClient() {
        assertThat(INI).containsEntry("pool_mode", "transaction");
        assertThat(Arrays.asList(INI.getOrDefault("ignore_startup_parameters", "").split("\\s*,\\s*")))
                .as("the Vert.x client sends extra_float_digits (FACTS.md)").contains("extra_float_digits");
    }

    @Test
    void isSizedForManyWorkers() {
        int workerConnections = Integer.parseInt(EnvironmentSettingsTest.environmentOf("brigade-worker").get("BRIGADE_DB_POOL_SIZE"));
        int clients = Integer.parseInt(INI.get("max_client_conn"));
        assertThat(clients / workerConnections).as("workers one PgBouncer replica carries").isGreaterThanOrEqualTo(1000);
        assertThat(Integer.parseInt(INI.get("default_pool_size"))).isLessThanOrEqualTo(Integer.parseInt(INI.get("max_db_connections")));
    }

    @Test
    void listensWhereItsServiceSends() {
        Service service = DeployManifests.one(Workloads.BASE, "Service", "brigade-pgbouncer").as(Service.class);
        int listenPort = Integer.parseInt(INI.get("listen_port"));
        service.getSpec().getPorts().forEach(port ->
                assertThat(Workloads.resolvePort(CONTAINER, port.getTargetPort())).contains(listenPort));
    }

    @Test
    void readsItsConfigurationAuthFileAndCaFromMountedVolumes() {
        String iniPath = CONTAINER.getCommand().getLast();
        assertThat(iniPath).endsWith("pgbouncer.ini");
        assertMountedKey(iniPath);
        assertMountedKey(INI.get("auth_file"));
        assertMountedKey(INI.get("server_tls_ca_file"));
    }

    @Test
    void verifiesPostgresqlsCertificate() {
        assertThat(INI).containsEntry("server_tls_sslmode", "verify-full");
    }

    @Test
    void theExampleUserListHasTheUserOfTheExampleUrl() {
        Secret auth = DeployManifests.one(DeployManifests.under("examples"), "Secret", "brigade-pgbouncer-auth").as(Secret.class);
        String user = java.net.URI.create(EnvironmentSettingsTest.environmentOf("brigade-worker").get("BRIGADE_DB_URL"))
                .getUserInfo().split(":")[0];
        assertThat(auth.getStringData().get("userlist.txt")).contains("\"" + user + "\"");
    }

    /** A file path the container reads must be a key of a mounted ConfigMap or Secret. */
    private static void assertMountedKey(String path) {
        VolumeMount mount = CONTAINER.getVolumeMounts().stream()
                .filter(m -> path.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(path + " lies under no volume mount of brigade-pgbouncer"));
        String key = path.substring(mount.getMountPath().length() + 1);
        Volume volume = DEPLOYMENT.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        if (volume.getConfigMap() != null) {
            ConfigMap map = DeployManifests.one(Workloads.BASE, "ConfigMap", volume.getConfigMap().getName()).as(ConfigMap.class);
            assertThat(map.getData()).as(path).containsKey(key);
        } else if (volume.getSecret() != null) {
            List<Manifest> examples = DeployManifests.under("examples");
            boolean documented = examples.stream().anyMatch(m -> m.kind().equals("Secret") && m.name().equals(volume.getSecret().getSecretName())
                    && m.as(Secret.class).getStringData().containsKey(key));
            boolean inReadme = RepositoryFiles.read("deploy/README.md").contains(volume.getSecret().getSecretName())
                    && RepositoryFiles.read("deploy/README.md").contains(key);
            assertThat(documented || inReadme).as("Secret %s with key %s is shown in deploy/examples or deploy/README.md",
                    volume.getSecret().getSecretName(), key).isTrue();
        } else {
            throw new AssertionError(path + " is on volume " + volume.getName() + ", neither ConfigMap nor Secret");
        }
    }

    /** The [pgbouncer] section of pgbouncer.ini as key = value pairs. */
    private static Map<String, String> settings() {
        ConfigMap map = DeployManifests.one(Workloads.BASE, "ConfigMap", "brigade-pgbouncer").as(ConfigMap.class);
        Map<String, String> settings = new LinkedHashMap<>();
        String section = "";
        for (String raw : map.getData().get("pgbouncer.ini").split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[pgbouncer]") && line.contains("=")) {
                settings.put(line.substring(0, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
            }
        }
        return settings;
    }
}
