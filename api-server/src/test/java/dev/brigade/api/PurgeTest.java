package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;


import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PurgeTest extends ApiTestBase {
    static final String PATH = "/api/v1/tasks/purge";

    private static io.restassured.response.ValidatableResponse purge(String body) {
        return given().contentType(ContentType.JSON).body(body).post(PATH).then();
    }

    @Test
    void aPurgeDispatchesThePurgeTaskWithAbsoluteArgs() {
        var response = purge("{\"finished_before\": \"2026-01-01T00:00:00Z\", \"states\": [\"completed\", \"failed\"]}")
                .statusCode(202).body("name", equalTo("brigade.purge")).body("state", equalTo("waiting")).extract();
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/api/v1/tasks/" + id);
        String args = pool.preparedQuery("SELECT args::text FROM task WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString(0);
        assertThat(args).contains("2026-01-01T00:00Z").contains("\"completed\"").contains("\"failed\"");
    }

    @Test
    void anEmptyPurgeTakesTheDefaults() {
        String id = purge("{}").statusCode(202).extract().path("id");
        String args = pool.preparedQuery("SELECT args::text FROM task WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString(0);
        assertThat(args).contains("finished_before").contains("[\"completed\"]");
    }

    @Test
    void badPurgeRequestsAre400AndWriteNothing() {
        assertRejected("{\"finished_before\": \"last week\"}", "finished_before");
        assertRejected("{\"finished_before\": 12}", "finished_before");
        assertRejected("{\"states\": [\"running\"]}", "states");
        assertRejected("{\"states\": [\"nope\"]}", "states");
        assertRejected("{\"states\": []}", "states");
        assertRejected("{\"states\": \"completed\"}", "states");
        assertRejected("{\"older_than\": \"P1D\"}", "older_than");
        assertRejected("[1]", "body");
    }

    @Test
    void malformedJsonAndOtherContentTypesAreRefused() {
        long before = taskRows();
        purge("{\"states\": ").statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.TEXT).body("{}").post(PATH).then().statusCode(415);
        assertThat(taskRows()).isEqualTo(before);
    }

    private void assertRejected(String body, String field) {
        long before = taskRows();
        purge(body).statusCode(400).contentType("application/problem+json").body("errors.field", hasItem(field));
        assertThat(taskRows()).isEqualTo(before);
    }

}
