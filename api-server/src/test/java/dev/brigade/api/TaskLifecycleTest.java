package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Detail, cancel and delete of one task, with the check order 404, then 400, then 409. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskLifecycleTest extends ApiTestBase {

    private static io.restassured.response.ValidatableResponse patch(String id, String body) {
        return given().contentType(ContentType.JSON).body(body).patch("/api/v1/tasks/" + id).then();
    }

    @Test
    void anUnknownOrMalformedIdIs404Everywhere() {
        String unknown = UUID.randomUUID().toString();
        for (String id : new String[] {unknown, "not-a-uuid", "1-1-1-1-1"}) {
            given().get("/api/v1/tasks/" + id).then().statusCode(404).contentType("application/problem+json")
                    .body("status", equalTo(404));
            patch(id, "{\"state\": \"canceled\"}").statusCode(404);
            patch(id, "{\"state\": \"bogus\"}").statusCode(404);
            patch(id, "{not json").statusCode(404);
            given().delete("/api/v1/tasks/" + id).then().statusCode(404);
        }
    }

    @Test
    void cancelOfAWaitingTaskAnswersCanceling() {
        String id = dispatch(echo());
        patch(id, "{\"state\": \"canceled\"}").statusCode(200).body("id", equalTo(id)).body("state", equalTo("canceling"));
        given().get("/api/v1/tasks/" + id).then().body("state", equalTo("canceling"));
    }

    @Test
    void cancelOfACanceledTaskIs200Unchanged() {
        String id = dispatch(echo());
        markFinal(id, "canceled");
        String finishedAt = given().get("/api/v1/tasks/" + id).then().extract().path("finished_at");
        patch(id, "{\"state\": \"canceled\"}").statusCode(200).body("state", equalTo("canceled"))
                .body("finished_at", equalTo(finishedAt));
    }

    @Test
    void cancelOfACompletedTaskIs409AndChangesNothing() {
        String id = dispatch(echo());
        markFinal(id, "completed");
        patch(id, "{\"state\": \"canceled\"}").statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409));
        given().get("/api/v1/tasks/" + id).then().body("state", equalTo("completed"));
    }

    @Test
    void anyOtherPatchBodyIs400AndChangesNothing() {
        String id = dispatch(echo());
        for (String body : new String[] {"{\"state\": \"completed\"}", "{}", "{\"state\": \"canceled\", \"name\": \"x\"}",
                "[\"canceled\"]", "{broken", "{\"state\": true}"}) {
            patch(id, body).statusCode(400).contentType("application/problem+json").body("errors.field", hasItem(
                    body.equals("{broken") || body.startsWith("[") ? "body" : body.contains("name") ? "name" : "state"));
        }
        given().get("/api/v1/tasks/" + id).then().body("state", equalTo("waiting"));
    }

    /** A field other than state is named itself, as not changeable; the message says only state may be set. */
    @Test
    void aPatchOfAnotherFieldNamesThatField() {
        String id = dispatch(echo());
        patch(id, "{\"name\": \"x\"}").statusCode(400)
                .body("errors.field", equalTo(java.util.List.of("name")))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("cannot be changed"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("only state may be set"));
        given().get("/api/v1/tasks/" + id).then().body("state", equalTo("waiting")).body("name", equalTo("brigade.echo"));
    }

    @Test
    void aBadBodyOnACompletedTaskIs400NotA409() {
        String id = dispatch(echo());
        markFinal(id, "completed");
        patch(id, "{\"state\": \"running\"}").statusCode(400);
    }

    @Test
    void patchTakesJsonOnly() {
        String id = dispatch(echo());
        given().contentType(ContentType.TEXT).body("{\"state\": \"canceled\"}").patch("/api/v1/tasks/" + id).then()
                .statusCode(415);
        given().get("/api/v1/tasks/" + id).then().body("state", equalTo("waiting"));
    }

    @Test
    void deleteOfAFinalTaskIs204AndTheTaskIsGone() {
        String id = dispatch(echo());
        markFinal(id, "failed");
        given().delete("/api/v1/tasks/" + id).then().statusCode(204);
        given().get("/api/v1/tasks/" + id).then().statusCode(404);
    }

    @Test
    void deleteOfAWaitingOrRunningTaskIs409AndKeepsIt() {
        String waiting = dispatch(echo());
        String running = dispatch(echo());
        markRunning(running);
        long before = taskRows();
        given().delete("/api/v1/tasks/" + waiting).then().statusCode(409).contentType("application/problem+json");
        given().delete("/api/v1/tasks/" + running).then().statusCode(409);
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void progressReportsAreShown() {
        String id = dispatch(echo());
        pool.preparedQuery("INSERT INTO progress_report (id, task, code, message, total, done) VALUES ($1, $2, 'c', 'Doing', 10, 3)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.randomUUID(), UUID.fromString(id))).await().atMost(WAIT);
        Map<String, Object> report = given().get("/api/v1/tasks/" + id).then().extract().path("progress_reports[0]");
        assertThat(report).containsAllEntriesOf(Map.of("message", "Doing", "code", "c", "state", "running",
                "total", 10, "done", 3)).hasSize(6).containsEntry("suffix", null);
    }
}
