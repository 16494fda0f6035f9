package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Dispatch of handlers the api-server does not have: names that workers advertise in their
 * app_status rows (written here by SQL, as a worker registers), or that are configured as known
 * ({@code test.scaled-to-zero} in the test profile). Each test advertises names of its own, since
 * the api-server trusts the names it last read for a few seconds.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class HandlerDispatchTest extends ApiTestBase {
    static final String CONFIGURED = "test.scaled-to-zero";

    private AdvertisingWorkers workers;

    @BeforeEach
    void workers() {
        workers = new AdvertisingWorkers(pool);
    }

    @AfterEach
    void removeWorkers() {
        workers.removeAll();
    }

    private String advertise(Map<String, Boolean> handlers, boolean online) {
        return workers.advertise(handlers, online);
    }

    private static Map<String, Object> task(String name, Object... extra) {
        Map<String, Object> body = echo(extra);
        body.put("name", name);
        body.put("args", Map.of());
        return body;
    }

    private long rowsNamed(String name) {
        return pool.preparedQuery("SELECT count(*) FROM task WHERE name = $1").execute(Tuple.of(name))
                .await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void anUnknownNameIsA400ListingTheKnownNamesAndWritesNothing() {
        String advertised = unique("test.sync");
        advertise(Map.of(advertised, false), true);
        long before = taskRows();
        post(task("no.such.handler")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("name"))
                .body("errors.find { it.field == 'name' }.message", containsString("brigade.echo"))
                .body("errors.find { it.field == 'name' }.message", containsString(CONFIGURED))
                .body("errors.find { it.field == 'name' }.message", containsString(advertised));
        assertThat(taskRows()).as("rows written by a refused dispatch").isEqualTo(before);
    }

    @Test
    void aNameALiveWorkerAdvertisesIsAccepted() {
        String name = unique("test.sync");
        advertise(Map.of(name, false), true);
        String id = post(task(name)).statusCode(202)
                .body("name", equalTo(name))
                .body("state", equalTo("waiting"))
                .extract().path("id");
        given().get("/api/v1/tasks/" + id).then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void aNameOnlyAMissingWorkerAdvertisesIsA400() {
        String name = unique("test.sync");
        advertise(Map.of(name, false), false);
        post(task(name)).statusCode(400).body("errors.field", hasItem("name"));
        assertThat(rowsNamed(name)).isZero();
    }

    @Test
    void aNameIsAcceptedAsSoonAsAWorkerAdvertisesIt() {
        String name = unique("test.sync");
        post(task(name)).statusCode(400);
        advertise(Map.of(name, false), true);
        post(task(name)).statusCode(202).body("name", equalTo(name));
    }

    @Test
    void aConfiguredNameIsAcceptedWithNoWorker() {
        long advertising = pool.preparedQuery("SELECT count(*) FROM app_status WHERE handlers ? $1")
                .execute(Tuple.of(CONFIGURED)).await().atMost(WAIT).iterator().next().getLong(0);
        assertThat(advertising).as("workers advertising the configured name").isZero();
        long before = rowsNamed(CONFIGURED);
        post(task(CONFIGURED)).statusCode(202).body("name", equalTo(CONFIGURED)).body("state", equalTo("waiting"));
        assertThat(rowsNamed(CONFIGURED)).isEqualTo(before + 1);
    }

    @Test
    void aConfiguredNameAloneMayNotBeImmediate() {
        long before = taskRows();
        post(task(CONFIGURED, "immediate", true)).statusCode(400).body("errors.field", hasItem("immediate"));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void aBulkTakesAdvertisedAndConfiguredNamesAndRefusesAllForOneUnknown() {
        String name = unique("test.sync");
        advertise(Map.of(name, false), true);
        Map<String, Object> good = Map.of("tasks", List.of(task(name), task(CONFIGURED)));
        given().contentType(ContentType.JSON).body(good).post("/api/v1/tasks/bulk").then().statusCode(202)
                .body("tasks.name", equalTo(List.of(name, CONFIGURED)));
        long before = taskRows();
        Map<String, Object> bad = Map.of("tasks", List.of(task(name), task(unique("no.such"))));
        given().contentType(ContentType.JSON).body(bad).post("/api/v1/tasks/bulk").then().statusCode(400)
                .body("errors.field", equalTo(List.of("tasks[1].name")));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void aScheduleMayNameAnAdvertisedHandler() {
        String name = unique("test.sync");
        advertise(Map.of(name, false), true);
        Map<String, Object> schedule = Map.of("name", unique("nightly"), "task_name", name, "dispatch_interval", "P1D");
        given().contentType(ContentType.JSON).body(schedule).post("/api/v1/task-schedules").then().statusCode(201)
                .body("task_name", equalTo(name));
        Map<String, Object> unknown = Map.of("name", unique("nightly"), "task_name", unique("no.such"));
        given().contentType(ContentType.JSON).body(unknown).post("/api/v1/task-schedules").then().statusCode(400)
                .body("errors.field", hasItem("task_name"));
    }

    @Test
    void anImmediateTaskOfAWorkersHandlerIsQueuedForTheWorkers() {
        String name = unique("test.quick");
        advertise(Map.of(name, true), true);
        post(task(name, "immediate", true)).statusCode(202)
                .body("state", equalTo("waiting"))
                .body("immediate", equalTo(true))
                .body("unblocked_at", notNullValue())
                .body("started_at", nullValue())
                .body("worker", nullValue());
    }

    @Test
    void anImmediateTaskOfAWorkersHandlerThatMayNotWaitIsQueuedWhenFree() {
        String name = unique("test.quick");
        advertise(Map.of(name, true), true);
        post(task(name, "immediate", true, "deferred", false, "exclusive_resources", List.of(unique("repo"))))
                .statusCode(202)
                .body("state", equalTo("waiting"))
                .body("deferred", equalTo(false))
                .body("unblocked_at", notNullValue());
    }

    @Test
    void anImmediateTaskOfAWorkersHandlerThatMayNotWaitIsCanceledOnAConflict() {
        String name = unique("test.quick");
        advertise(Map.of(name, true), true);
        String resource = unique("repo");
        dispatch(echo("exclusive_resources", List.of(resource)));
        post(task(name, "immediate", true, "deferred", false, "exclusive_resources", List.of(resource)))
                .statusCode(202)
                .body("state", equalTo("canceled"))
                .body("error.description", equalTo("resources temporarily unavailable"))
                .body("started_at", nullValue());
    }

    @Test
    void anImmediateTaskIsRefusedUnlessEveryWorkerAdvertisingItSaysItMay() {
        String name = unique("test.quick");
        advertise(Map.of(name, true), true);
        advertise(Map.of(name, false), true);
        long before = taskRows();
        post(task(name, "immediate", true)).statusCode(400).body("errors.field", hasItem("immediate"));
        assertThat(taskRows()).isEqualTo(before);
        post(task(name)).statusCode(202);
    }
}
