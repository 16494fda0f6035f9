package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Probes and the OpenAPI document; the api-server is ready with no worker at all. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ProbesTest extends ApiTestBase {

    @Test
    void readyWithoutAnyWorkerOnceTheDatabaseAnswersAndIsMigrated() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("database"))
                .body("checks.find { it.name == 'database' }.data.migrations_applied", equalTo(true));
    }

    @Test
    void readinessFailsWhenTheNewestMigrationIsMissing() {
        String newest = "(SELECT max(installed_rank) FROM flyway_schema_history)";
        pool.query("UPDATE flyway_schema_history SET success = false WHERE installed_rank = " + newest)
                .execute().await().atMost(WAIT);
        try {
            given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        } finally {
            pool.query("UPDATE flyway_schema_history SET success = true WHERE installed_rank = " + newest)
                    .execute().await().atMost(WAIT);
        }
    }

    @Test
    void liveAndStarted() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreServedInThePrometheusFormat() {
        given().get("/api/v1/tasks?limit=1").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests_seconds"));
    }

    @Test
    void anUnknownPathIs404() {
        given().get("/api/v1/nothing-here").then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentDescribesTheTaskEndpoints() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/tasks"));
    }
}
