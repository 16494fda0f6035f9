package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * PostgreSQL stores no NUL character (U+0000) in text or jsonb: a body carrying one, anywhere, is
 * a 400 naming the field before anything is written (not a 500 from the database's 22P05).
 * The bodies are raw JSON so the escape reaches the server exactly as written.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class NulCharacterTest extends ApiTestBase {
    private static final String NUL = "\\u0000";

    private long rows(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    /** Refused with a 400 problem naming this field; no task, reservation, schedule or group row written. */
    private void assertRefused(String path, String body, String field) {
        long tasks = rows("task");
        long reservations = rows("task_reservation");
        long schedules = rows("task_schedule");
        long groups = rows("task_group");
        given().contentType(ContentType.JSON).body(body).post(path).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        assertThat(rows("task")).as("task rows").isEqualTo(tasks);
        assertThat(rows("task_reservation")).as("reservation rows").isEqualTo(reservations);
        assertThat(rows("task_schedule")).as("schedule rows").isEqualTo(schedules);
        assertThat(rows("task_group")).as("group rows").isEqualTo(groups);
    }

    private static String task(String args) {
        return "{\"name\": \"brigade.echo\", \"args\": " + args + "}";
    }

    @Test
    void aNulInAStringValueOfArgsIsA400NamingArgs() {
        assertRefused("/api/v1/tasks", task("{\"value\": \"a" + NUL + "b\"}"), "args");
    }

    @Test
    void aNulInAKeyOfArgsIsA400NamingArgs() {
        assertRefused("/api/v1/tasks", task("{\"k" + NUL + "\": 1}"), "args");
    }

    @Test
    void aNulDeepInArgsIsA400NamingArgs() {
        assertRefused("/api/v1/tasks", task("{\"a\": [1, {\"b\": [\"x\", \"" + NUL + "\"]}]}"), "args");
    }

    @Test
    void anImmediateTaskWithANulInArgsIsA400() {
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo\", \"immediate\": true, \"args\": {\"value\": \""
                + NUL + "\"}}", "args");
    }

    @Test
    void aNulInAResourceNameOrTheDomainIsA400NamingIt() {
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo\", \"exclusive_resources\": [\"r" + NUL + "\"]}",
                "exclusive_resources[0]");
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo\", \"domain\": \"d" + NUL + "\"}", "domain");
    }

    @Test
    void aNulInTheHandlerNameIsA400NamingIt() {
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo" + NUL + "\"}", "name");
    }

    @Test
    void aNulInVersionsIsA400NamingVersions() {
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo\", \"versions\": {\"brigade\": \"1" + NUL + "\"}}",
                "versions");
        assertRefused("/api/v1/tasks", "{\"name\": \"brigade.echo\", \"versions\": {\"b" + NUL + "\": \"1\"}}",
                "versions");
    }

    @Test
    void aNulInOneTaskOfABulkIsA400NamingItsIndex() {
        assertRefused("/api/v1/tasks/bulk", "{\"tasks\": [" + task("{}") + ", " + task("{\"v\": \"" + NUL + "\"}")
                + "]}", "tasks[1].args");
    }

    @Test
    void aNulInAScheduleIsA400NamingTheField() {
        String ok = "\"name\": \"nul-sched\", \"task_name\": \"brigade.echo\"";
        assertRefused("/api/v1/task-schedules", "{" + ok + ", \"args\": {\"v\": \"" + NUL + "\"}}", "args");
        assertRefused("/api/v1/task-schedules", "{\"name\": \"s" + NUL + "\", \"task_name\": \"brigade.echo\"}", "name");
        assertRefused("/api/v1/task-schedules", "{\"name\": \"nul-sched2\", \"task_name\": \"brigade.echo" + NUL + "\"}",
                "task_name");
    }

    @Test
    void aNulInATaskGroupDescriptionIsA400NamingIt() {
        assertRefused("/api/v1/task-groups", "{\"description\": \"g" + NUL + "\"}", "description");
    }

    @Test
    void aNulInAListFilterIsA400NotA500() {
        given().urlEncodingEnabled(false).get("/api/v1/tasks?name__contains=a%00b").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void malformedJsonSaysSoAndWhere() {
        ValidatableResponse refused = given().contentType(ContentType.JSON)
                .body("{\"name\": \"brigade.echo\",\n  \"args\": {\"value\": 1,}}").post("/api/v1/tasks").then();
        refused.statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"))
                .body("detail", containsString("line 2"))
                .body("detail", containsString("column"));
    }

    @Test
    void aTruncatedBodySaysItIsMalformedJson() {
        given().contentType(ContentType.JSON).body("{\"name\": \"brigade.echo\",").post("/api/v1/tasks").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"))
                .body("detail", containsString("line 1"));
        given().contentType(ContentType.JSON).body("{\"tasks\": [{\"name\": \"brigade.echo\"}").post("/api/v1/tasks/bulk")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"));
    }
}
