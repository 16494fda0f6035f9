package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskDispatchTest extends ApiTestBase {
    static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @Test
    void aDispatchAnswers202WithTheTaskAndItsLocation() {
        var response = post(echo("exclusive_resources", List.of("repo:1"), "shared_resources", List.of("remote:2")))
                .statusCode(202)
                .contentType(ContentType.JSON)
                .extract();
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/api/v1/tasks/" + id);
        assertThat(response.jsonPath().getString("state")).isEqualTo("waiting");
        given().get("/api/v1/tasks/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("href", equalTo("/api/v1/tasks/" + id))
                .body("name", equalTo("brigade.echo"))
                .body("state", equalTo("waiting"))
                .body("created_at", matchesPattern(TIME))
                .body("unblocked_at", matchesPattern(TIME))
                .body("started_at", nullValue())
                .body("finished_at", nullValue())
                .body("worker", nullValue())
                .body("reserved_resources", containsInAnyOrder("repo:1", "shared:remote:2", "shared:domain:default"))
                .body("exclusive_resources", contains("repo:1"))
                .body("shared_resources", contains("remote:2"))
                .body("immediate", equalTo(false))
                .body("deferred", equalTo(true))
                .body("domain", equalTo("default"))
                .body("parent_task", nullValue())
                .body("task_group", nullValue())
                .body("child_tasks", empty())
                .body("progress_reports", empty())
                .body("result", nullValue())
                .body("error", nullValue())
                .body("$", not(hasKey("args")))
                .body("logging_cid", notNullValue());
    }

    @Test
    void timesAreUtcWithAZAndAlwaysSixFractionalDigits() {
        String id = dispatch(echo());
        sql("UPDATE task SET created_at = '2026-11-23T08:12:53.1+01:00' WHERE id = $1", java.util.UUID.fromString(id));
        given().get("/api/v1/tasks/" + id).then().body("created_at", equalTo("2026-11-23T07:12:53.100000Z"));
        given().get("/api/v1/tasks?created_at__gte=2026-11-23T07:12:53.100000Z&created_at__lte=2026-11-23T07:12:53.100000Z")
                .then().body("results.id", contains(id));
        sql("UPDATE task SET created_at = '2026-11-23T07:12:53Z' WHERE id = $1", java.util.UUID.fromString(id));
        given().get("/api/v1/tasks/" + id).then().body("created_at", equalTo("2026-11-23T07:12:53.000000Z"));
    }

    @Test
    void theCorrelationIdBecomesTheLoggingCidAndIsEchoed() {
        String id = given().contentType(ContentType.JSON).header("Correlation-ID", "cid-123").body(echo())
                .post("/api/v1/tasks").then().statusCode(202)
                .header("Correlation-ID", "cid-123")
                .body("logging_cid", equalTo("cid-123"))
                .extract().path("id");
        given().header("Correlation-ID", "other").get("/api/v1/tasks/" + id).then()
                .header("Correlation-ID", "other").body("logging_cid", equalTo("cid-123"));
    }

    @Test
    void aCorrelationIdOver256CharactersIsA400() {
        long before = taskRows();
        given().contentType(ContentType.JSON).header("Correlation-ID", "c".repeat(257)).body(echo())
                .post("/api/v1/tasks").then().statusCode(400).body("errors.field", equalTo(java.util.List.of("Correlation-ID")));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void withoutACorrelationIdOneIsGeneratedAndEchoed() {
        String header = post(echo()).statusCode(202).extract().header("Correlation-ID");
        assertThat(header).isNotBlank();
    }

    @Test
    void aDomainIsHeldSharedAndShownApart() {
        post(echo("domain", "tenant-a")).statusCode(202)
                .body("domain", equalTo("tenant-a"))
                .body("reserved_resources", contains("shared:domain:tenant-a"))
                .body("shared_resources", empty());
    }

    @Test
    void anUnknownHandlerIsA400AndWritesNothing() {
        assertRejected(Map.of("name", "no.such.handler"), 400, "name");
    }

    @Test
    void aMissingNameIsA400() {
        assertRejected(Map.of("args", Map.of()), 400, "name");
    }

    @Test
    void argsThatAreNotAnObjectAreA400() {
        assertRejected(Map.of("name", "brigade.echo", "args", List.of(1, 2)), 400, "args");
        assertRejected(Map.of("name", "brigade.echo", "args", "text"), 400, "args");
    }

    @Test
    void argsOverOneMebibyteAreA413() {
        String big = "x".repeat(1024 * 1024);
        assertRejected(Map.of("name", "brigade.echo", "args", Map.of("value", big)), 413, "args");
    }

    @Test
    void aBodyFarOverTheLimitIsAClean413() {
        long before = taskRows();
        String huge = "{\"name\":\"brigade.echo\",\"args\":{\"value\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}}";
        given().contentType(ContentType.JSON).body(huge).post("/api/v1/tasks").then().statusCode(413);
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413() {
        long before = taskRows();
        byte[] huge = ("{\"name\":\"brigade.echo\",\"args\":{\"value\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        given().contentType(ContentType.JSON).body(new java.io.ByteArrayInputStream(huge)).post("/api/v1/tasks")
                .then().statusCode(413);
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void notImmediateAndNotDeferredIsA400() {
        assertRejected(echo("immediate", false, "deferred", false), 400, "deferred");
    }

    @Test
    void anUnknownTaskGroupIsA400() {
        assertRejected(echo("task_group", "7d6b1a53-4a1c-4bd0-9e0e-000000000000"), 400, "task_group");
    }

    @Test
    void aMalformedTaskGroupIsA400() {
        assertRejected(echo("task_group", "not-a-uuid"), 400, "task_group");
    }

    /** Resources are strings: a number is not stored as its text. */
    @Test
    void aNumberForAResourceNameIsA400() {
        assertRejected(echo("exclusive_resources", List.of(42)), 400, "exclusive_resources[0]");
        assertRejected(echo("shared_resources", List.of("ok", true)), 400, "shared_resources[1]");
    }

    /** One name in both lists would be held exclusively, the shared ask dropped: refused instead. */
    @Test
    void aResourceInBothListsIsA400() {
        assertRejected(echo("exclusive_resources", List.of("repository:9"), "shared_resources", List.of("repository:9")),
                400, "shared_resources[0]");
    }

    @Test
    void anEmptyResourceNameIsA400() {
        assertRejected(echo("exclusive_resources", List.of("")), 400, "exclusive_resources[0]");
    }

    @Test
    void aResourceNameOver256CharactersIsA400() {
        assertRejected(echo("shared_resources", List.of("ok", "r".repeat(257))), 400, "shared_resources[1]");
    }

    @Test
    void aResourceNameOf256CharactersIsAccepted() {
        post(echo("exclusive_resources", List.of("r".repeat(256)))).statusCode(202);
    }

    @Test
    void aResourceNameWithAControlCharacterIsA400() {
        assertRejected(echo("exclusive_resources", List.of("repo\n1")), 400, "exclusive_resources[0]");
    }

    @Test
    void aResourceNameStartingWithSharedIsA400() {
        assertRejected(echo("shared_resources", List.of("shared:repo")), 400, "shared_resources[0]");
    }

    @Test
    void moreThan100ResourcesInAllIsA400() {
        List<String> exclusive = IntStream.range(0, 60).mapToObj(i -> "e" + i).toList();
        List<String> shared = IntStream.range(0, 41).mapToObj(i -> "s" + i).toList();
        assertRejected(echo("exclusive_resources", exclusive, "shared_resources", shared), 400, "exclusive_resources");
    }

    @Test
    void resourcesThatAreNotAListAreA400() {
        assertRejected(echo("exclusive_resources", "repo:1"), 400, "exclusive_resources");
    }

    @Test
    void anUnknownFieldIsA400() {
        assertRejected(echo("exclusive_resource", List.of("repo:1")), 400, "exclusive_resource");
    }

    @Test
    void malformedJsonIsA400AndWritesNothing() {
        long before = taskRows();
        given().contentType(ContentType.JSON).body("{\"name\": \"brigade.echo\",").post("/api/v1/tasks").then()
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("title", equalTo("Bad Request")).body("detail", notNullValue());
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void anEmptyBodyIsA400() {
        long before = taskRows();
        given().contentType(ContentType.JSON).body("").post("/api/v1/tasks").then().statusCode(400)
                .contentType("application/problem+json");
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void anotherContentTypeIsA415AndWritesNothing() {
        long before = taskRows();
        given().contentType(ContentType.TEXT).body("{\"name\": \"brigade.echo\"}").post("/api/v1/tasks").then()
                .statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void aMethodThePathDoesNotSupportIsA405() {
        given().put("/api/v1/tasks").then().statusCode(405).contentType("application/problem+json");
    }

    /** The request is refused with this status, names this field, and leaves the task table as it was. */
    private void assertRejected(Object body, int status, String field) {
        long before = taskRows();
        post(body).statusCode(status)
                .contentType("application/problem+json")
                .body("type", notNullValue())
                .body("title", notNullValue())
                .body("status", equalTo(status))
                .body("detail", notNullValue())
                .body("errors.field", hasItem(field));
        assertThat(taskRows()).as("rows written by a rejected dispatch").isEqualTo(before);
    }

}
