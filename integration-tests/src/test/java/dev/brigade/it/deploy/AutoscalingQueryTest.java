package dev.brigade.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.config.DatabaseUrls;
import dev.brigade.core.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The KEDA trigger's query runs on the schema the migrations in core/src/main/resources/db/migration
 * build (so its table and columns exist), and counts the tasks that need a worker: unblocked
 * incomplete ones, claimed or not, never blocked or finished ones.
 */
class AutoscalingQueryTest {
    private static final List<Manifest> KEDA = DeployManifests.under("components/keda-autoscaling");
    private static final String DATABASE = "brigade_deploy_" + ProcessHandle.current().pid();
    private static Connection connection;

    @BeforeAll
    static void migratedDatabase() throws SQLException {
        String server = TestDatabase.server();
        try (Connection admin = DriverManager.getConnection(DatabaseUrls.parse(server).jdbc()); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
        String url = DatabaseUrls.parse(server.replaceFirst("/[^/?]*(\\?|$)", "/" + DATABASE + "$1")).jdbc();
        Flyway.configure().dataSource(url, null, null)
                .locations("filesystem:" + RepositoryFiles.path("core/src/main/resources/db/migration"))
                .load().migrate();
        connection = DriverManager.getConnection(url);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (connection != null) {
            connection.close();
        }
        try (Connection admin = DriverManager.getConnection(DatabaseUrls.parse(TestDatabase.server()).jdbc()); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @Test
    void scalesTheWorkerDeploymentWithThePostgresqlScaler() {
        Manifest scaledObject = DeployManifests.one(KEDA, "ScaledObject", "brigade-worker");
        JsonNode spec = scaledObject.tree().path("spec");
        assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo(Workloads.deployment("brigade-worker").getMetadata().getName());
        assertThat(spec.path("minReplicaCount").asInt()).as("janitor duties need one live worker").isGreaterThanOrEqualTo(1);
        assertThat(spec.path("triggers")).isNotEmpty().allSatisfy(t -> assertThat(t.path("type").asText()).isEqualTo("postgresql"));
    }

    @Test
    void oneTriggerTargetIsOneWorkersConcurrency() {
        String concurrency = EnvironmentSettingsTest.environmentOf("brigade-worker").get("BRIGADE_WORKER_CONCURRENCY");
        for (JsonNode trigger : triggers()) {
            assertThat(Double.parseDouble(trigger.path("metadata").path("targetQueryValue").asText()))
                    .as("tasks per worker replica").isEqualTo(Double.parseDouble(concurrency));
        }
    }

    @Test
    void triggerAuthenticationGivesTheConnectionFromADocumentedSecret() {
        for (JsonNode trigger : triggers()) {
            Manifest auth = DeployManifests.one(KEDA, "TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());
            for (JsonNode ref : auth.tree().path("spec").path("secretTargetRef")) {
                assertThat(ref.path("parameter").asText()).isIn(UnknownFields.POSTGRESQL_AUTH_PARAMETERS);
                Manifest secret = DeployManifests.one(DeployManifests.under("examples"), "Secret", ref.path("name").asText());
                assertThat(secret.tree().path("stringData").has(ref.path("key").asText())).as(ref + " in " + secret).isTrue();
            }
        }
    }

    @Test
    void queryCountsUnblockedIncompleteTasksClaimedOrNot() throws SQLException {
        for (JsonNode trigger : triggers()) {
            String query = trigger.path("metadata").path("query").asText();
            assertThat(count(query)).as("empty queue").isZero();
            try (Statement s = connection.createStatement()) {
                s.execute("""
                        INSERT INTO app_status (id, name, type, ttl) VALUES ('00000000-0000-0000-0000-00000000000a', '1@test', 'worker', interval '30 seconds');
                        INSERT INTO task (id, name, logging_cid, state, unblocked_at, app_lock) VALUES
                          ('00000000-0000-0000-0000-000000000001', 'brigade.echo', 'deploy-test', 'waiting', now(), null),
                          ('00000000-0000-0000-0000-000000000002', 'brigade.echo', 'deploy-test', 'canceling', now(), null),
                          ('00000000-0000-0000-0000-000000000003', 'brigade.echo', 'deploy-test', 'running', now(), '00000000-0000-0000-0000-00000000000a'),
                          ('00000000-0000-0000-0000-000000000004', 'brigade.echo', 'deploy-test', 'waiting', null, null),
                          ('00000000-0000-0000-0000-000000000005', 'brigade.echo', 'deploy-test', 'completed', now(), null),
                          ('00000000-0000-0000-0000-000000000006', 'brigade.echo', 'deploy-test', 'failed', now(), null)
                        """);
            }
            try {
                assertThat(count(query)).as("two unclaimed unblocked tasks and one held; not the blocked one (4) nor the "
                        + "finished ones (5, 6)").isEqualTo(3);
            } finally {
                try (Statement s = connection.createStatement()) {
                    s.execute("DELETE FROM task; DELETE FROM app_status");
                }
            }
        }
    }

    private static List<JsonNode> triggers() {
        List<JsonNode> triggers = new java.util.ArrayList<>();
        DeployManifests.one(KEDA, "ScaledObject", "brigade-worker").tree().path("spec").path("triggers").forEach(triggers::add);
        return triggers;
    }

    /** The scaler reads one number from the first column of the first row. */
    private static long count(String query) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(query)) {
            assertThat(rows.next()).as("a row from " + query).isTrue();
            long value = rows.getLong(1);
            assertThat(rows.next()).as("one row from " + query).isFalse();
            return value;
        }
    }
}
