package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskScheduleTest extends ApiTestBase {
    static final String PATH = "/api/v1/task-schedules";

    private static Map<String, Object> schedule(Object... fields) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("sched"));
        body.put("task_name", "brigade.echo");
        body.put("args", Map.of("value", 1));
        for (int i = 0; i < fields.length; i += 2) {
            body.put((String) fields[i], fields[i + 1]);
        }
        return body;
    }

    private static ValidatableResponse create(Object body) {
        return given().contentType(ContentType.JSON).body(body).post(PATH).then();
    }

    @Test
    void aRecurringScheduleAnswers201() {
        var created = create(schedule("dispatch_interval", "PT1H", "next_dispatch", "2030-01-01T00:00:00Z"))
                .statusCode(201)
                .body("task_name", equalTo("brigade.echo"))
                .body("dispatch_interval", equalTo("PT1H"))
                .body("next_dispatch", equalTo("2030-01-01T00:00:00.000000Z"))
                .body("enabled", equalTo(true))
                .body("last_task", nullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("args")))
                .extract();
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith(PATH + "/" + id);
        given().get(PATH + "/" + id).then().statusCode(200).body("href", equalTo(PATH + "/" + id))
                .body("dispatch_interval", equalTo("PT1H"));
    }

    @Test
    void aOneShotScheduleDefaultsToNow() {
        create(schedule("enabled", false)).statusCode(201)
                .body("dispatch_interval", nullValue()).body("next_dispatch", notNullValue()).body("enabled", equalTo(false));
    }

    @Test
    void theListHoldsTheBuiltInRetentionSchedule() {
        given().get(PATH + "?limit=1000").then().statusCode(200).body("results.name", hasItem("brigade.retention"));
    }

    @Test
    void enabledIsSwitchedByPatch() {
        String id = create(schedule()).statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).body("{\"enabled\": false}").patch(PATH + "/" + id).then()
                .statusCode(200).body("enabled", equalTo(false));
        given().get(PATH + "/" + id).then().body("enabled", equalTo(false));
        for (String bad : new String[] {"{\"enabled\": \"no\"}", "{}", "{\"name\": \"x\"}", "[true]", "{oops"}) {
            given().contentType(ContentType.JSON).body(bad).patch(PATH + "/" + id).then().statusCode(400);
        }
        given().get(PATH + "/" + id).then().body("enabled", equalTo(false));
    }

    @Test
    void deleteAnswers204AndTheScheduleIsGone() {
        String id = create(schedule()).statusCode(201).extract().path("id");
        given().delete(PATH + "/" + id).then().statusCode(204);
        given().get(PATH + "/" + id).then().statusCode(404);
        given().delete(PATH + "/" + id).then().statusCode(404);
    }

    @Test
    void theBuiltInScheduleIsNotDeleted() {
        String id = "00000000-0000-0000-0000-00000000a7e1";
        // the way out it names is the one the workers' Retention reads (an empty value is no value:
        // the default 30D applies), and the one README gives
        given().delete(PATH + "/" + id).then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("brigade.retention=off"))
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("empty")));
        given().get(PATH + "/" + id).then().statusCode(200).body("name", equalTo("brigade.retention"));
    }

    @Test
    void unknownOrMalformedSchedulesAre404() {
        for (String id : new String[] {UUID.randomUUID().toString(), "nope"}) {
            given().get(PATH + "/" + id).then().statusCode(404);
            given().contentType(ContentType.JSON).body("{oops").patch(PATH + "/" + id).then().statusCode(404);
            given().delete(PATH + "/" + id).then().statusCode(404);
        }
    }

    @Test
    void invalidSchedulesAre400AndWriteNothing() {
        assertRejected(schedule("task_name", "no.such.handler"), 400, "task_name");
        assertRejected(schedule("args", java.util.List.of(1)), 400, "args");
        assertRejected(schedule("dispatch_interval", "every hour"), 400, "dispatch_interval");
        assertRejected(schedule("dispatch_interval", "PT0S"), 400, "dispatch_interval");
        assertRejected(schedule("name", ""), 400, "name");
        assertRejected(schedule("next_dispatch", "tomorrow"), 400, "next_dispatch");
        assertRejected(schedule("colour", "red"), 400, "colour");
        assertRejected(schedule("args", Map.of("value", "x".repeat(1024 * 1024))), 413, "args");
    }

    @Test
    void aTakenNameIs409() {
        Map<String, Object> body = schedule();
        create(body).statusCode(201);
        assertRejected(body, 409, null);
    }

    private void assertRejected(Object body, int status, String field) {
        long before = scheduleRows();
        ValidatableResponse response = create(body).statusCode(status).contentType("application/problem+json");
        if (field != null) {
            response.body("errors.field", hasItem(field));
        }
        assertThat(scheduleRows()).isEqualTo(before);
    }

    private long scheduleRows() {
        return pool.query("SELECT count(*) FROM task_schedule").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }
}
