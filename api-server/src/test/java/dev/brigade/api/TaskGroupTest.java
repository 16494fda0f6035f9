package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskGroupTest extends ApiTestBase {

    private static ExtractableResponse<Response> create(String description) {
        return given().contentType(ContentType.JSON).body(Map.of("description", description))
                .post("/api/v1/task-groups").then().statusCode(201).extract();
    }

    private static io.restassured.response.ValidatableResponse patch(String id, String body) {
        return given().contentType(ContentType.JSON).body(body).patch("/api/v1/task-groups/" + id).then();
    }

    @Test
    void aNewGroupAnswers201WithZeroCounts() {
        ExtractableResponse<Response> created = create("nightly sync");
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/v1/task-groups/" + id);
        given().get("/api/v1/task-groups/" + id).then().statusCode(200)
                .body("href", equalTo("/api/v1/task-groups/" + id))
                .body("description", equalTo("nightly sync"))
                .body("all_tasks_dispatched", equalTo(false))
                .body("waiting", equalTo(0)).body("skipped", equalTo(0)).body("running", equalTo(0))
                .body("completed", equalTo(0)).body("canceled", equalTo(0)).body("failed", equalTo(0))
                .body("canceling", equalTo(0));
    }

    @Test
    void countsFollowTheStatesOfTheGroupsTasks() {
        String group = create("counts").path("id");
        dispatch(echo("task_group", group));
        String running = dispatch(echo("task_group", group));
        String done = dispatch(echo("task_group", group));
        String failed = dispatch(echo("task_group", group));
        dispatch(echo());
        markRunning(running);
        markFinal(done, "completed");
        markFinal(failed, "failed");
        given().get("/api/v1/task-groups/" + group).then()
                .body("waiting", equalTo(1)).body("running", equalTo(1)).body("completed", equalTo(1))
                .body("failed", equalTo(1)).body("canceled", equalTo(0));
    }

    /** A canceled group takes no new task: a dispatch into it (alone or in a bulk) is a 400 on task_group, nothing written. */
    @Test
    void aDispatchIntoACanceledGroupIsA400AndWritesNothing() {
        String group = create("closed").path("id");
        patch(group, "{\"state\": \"canceled\"}").statusCode(200);
        long before = taskRows();
        given().contentType(ContentType.JSON).body(echo("task_group", group)).post("/api/v1/tasks").then()
                .statusCode(400).body("errors.field", equalTo(java.util.List.of("task_group")))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("canceled"));
        given().contentType(ContentType.JSON).body(Map.of("tasks", java.util.List.of(echo(), echo("task_group", group))))
                .post("/api/v1/tasks/bulk").then().statusCode(400);
        assertThat(taskRows()).isEqualTo(before);
        given().get("/api/v1/task-groups/" + group).then().body("waiting", equalTo(0)).body("canceling", equalTo(0));
    }

    @Test
    void cancelCancelsEveryIncompleteTaskAndMarksTheGroupDispatched() {
        String group = create("to cancel").path("id");
        String waiting = dispatch(echo("task_group", group));
        String running = dispatch(echo("task_group", group));
        String done = dispatch(echo("task_group", group));
        String outsider = dispatch(echo());
        markRunning(running);
        markFinal(done, "completed");
        patch(group, "{\"state\": \"canceled\"}").statusCode(200)
                .body("all_tasks_dispatched", equalTo(true))
                .body("canceling", equalTo(2)).body("completed", equalTo(1)).body("waiting", equalTo(0));
        given().get("/api/v1/tasks/" + waiting).then().body("state", equalTo("canceling"));
        given().get("/api/v1/tasks/" + running).then().body("state", equalTo("canceling"));
        given().get("/api/v1/tasks/" + done).then().body("state", equalTo("completed"));
        given().get("/api/v1/tasks/" + outsider).then().body("state", equalTo("waiting"));
    }

    @Test
    void aBadCancelBodyIs400AndChangesNothing() {
        String group = create("bad body").path("id");
        String task = dispatch(echo("task_group", group));
        patch(group, "{\"state\": \"running\"}").statusCode(400).body("errors.field", hasItem("state"));
        patch(group, "{oops").statusCode(400);
        given().get("/api/v1/task-groups/" + group).then().body("all_tasks_dispatched", equalTo(false));
        given().get("/api/v1/tasks/" + task).then().body("state", equalTo("waiting"));
    }

    @Test
    void unknownOrMalformedGroupsAre404() {
        for (String id : new String[] {UUID.randomUUID().toString(), "nope"}) {
            given().get("/api/v1/task-groups/" + id).then().statusCode(404).contentType("application/problem+json");
            patch(id, "{\"state\": \"canceled\"}").statusCode(404);
            patch(id, "{oops").statusCode(404);
        }
    }

    @Test
    void groupsListNewestFirstInPages() {
        create("first");
        String second = create("second").path("id");
        given().get("/api/v1/task-groups?limit=1").then().statusCode(200)
                .body("count", greaterThanOrEqualTo(2))
                .body("results[0].id", equalTo(second))
                .body("next", equalTo("/api/v1/task-groups?limit=1&offset=1"));
        given().get("/api/v1/task-groups?limit=1001").then().statusCode(400);
    }

    @Test
    void aGroupBodyOfTheWrongShapeIs400AndWritesNothing() {
        long before = groupRows();
        given().contentType(ContentType.JSON).body("{\"description\": \"x\", \"colour\": 1}").post("/api/v1/task-groups")
                .then().statusCode(400).body("errors.field", hasItem("colour"));
        given().contentType(ContentType.JSON).body("{\"description\": ").post("/api/v1/task-groups").then().statusCode(400);
        given().contentType(ContentType.TEXT).body("{}").post("/api/v1/task-groups").then().statusCode(415);
        assertThat(groupRows()).isEqualTo(before);
    }

    private long groupRows() {
        return pool.query("SELECT count(*) FROM task_group").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }
}
