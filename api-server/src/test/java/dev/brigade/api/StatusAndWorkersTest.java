package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Workers are app_status rows written here by SQL, as a worker process would. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class StatusAndWorkersTest extends ApiTestBase {
    private final List<UUID> registered = new java.util.ArrayList<>();

    @AfterEach
    void removeWorkers() {
        registered.forEach(id -> sql("DELETE FROM app_status WHERE id = $1", id));
    }

    private UUID worker(String name, boolean online) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO app_status (id, name, type, versions, ttl, last_heartbeat) "
                        + "VALUES ($1, $2, 'worker', '{\"brigade\": \"9.9.9\"}', interval '30 seconds', "
                        + "now() - CASE WHEN $3 THEN interval '0' ELSE interval '1 minute' END)")
                .execute(Tuple.of(id, name, online)).await().atMost(WAIT);
        registered.add(id);
        return id;
    }

    @Test
    void statusShowsVersionsProcessesDatabaseAndQueue() {
        String name = unique("w") + "@host";
        worker(name, true);
        dispatch(echo());
        markRunning(dispatch(echo()));
        long waiting = count("SELECT count(*) FROM task WHERE state = 'waiting'");
        long running = count("SELECT count(*) FROM task WHERE state = 'running'");
        assertThat(running).isPositive();
        given().get("/api/v1/status").then().statusCode(200)
                .body("versions.brigade", notNullValue())
                .body("online_workers.name", hasItem(name))
                .body("online_workers.find { it.name == '" + name + "' }.versions.brigade", equalTo("9.9.9"))
                .body("online_workers.find { it.name == '" + name + "' }.last_heartbeat", notNullValue())
                .body("online_api_apps.size()", equalTo(1))
                .body("database.connected", equalTo(true))
                .body("tasks.waiting", equalTo((int) waiting))
                .body("tasks.unblocked_unclaimed", greaterThanOrEqualTo(1))
                .body("tasks.running", equalTo((int) running))
                .body("tasks.oldest_unclaimed_age_seconds", notNullValue());
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void statusLeavesOfflineWorkersOut() {
        String name = unique("w") + "@host";
        worker(name, false);
        given().get("/api/v1/status").then().body("online_workers.name", not(hasItem(name)));
    }

    @Test
    void statusTakesNoPost() {
        given().post("/api/v1/status").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void workersListWithTheirCurrentTaskAndFilterOnline() {
        String onlineName = unique("on") + "@host";
        String offlineName = unique("off") + "@host";
        UUID online = worker(onlineName, true);
        worker(offlineName, false);
        String task = dispatch(echo());
        markRunning(task);
        pool.preparedQuery("UPDATE task SET app_lock = $1 WHERE id = $2")
                .execute(Tuple.of(online, UUID.fromString(task))).await().atMost(WAIT);

        given().get("/api/v1/workers").then().statusCode(200)
                .body("results.name", hasItem(onlineName)).body("results.name", hasItem(offlineName))
                .body("results.type", not(hasItem("api")))
                .body("results.find { it.name == '" + onlineName + "' }.current_task", equalTo(task))
                .body("results.find { it.name == '" + onlineName + "' }.online", equalTo(true))
                .body("results.find { it.name == '" + offlineName + "' }.current_task", nullValue())
                .body("results.find { it.name == '" + offlineName + "' }.online", equalTo(false));
        List<String> onlineOnly = given().get("/api/v1/workers?online=true").then().statusCode(200)
                .extract().path("results.name");
        assertThat(onlineOnly).contains(onlineName).doesNotContain(offlineName);
        List<String> offlineOnly = given().get("/api/v1/workers?online=false").then().extract().path("results.name");
        assertThat(offlineOnly).contains(offlineName).doesNotContain(onlineName);
    }

    @Test
    void workersPage() {
        worker(unique("a") + "@host", true);
        worker(unique("b") + "@host", true);
        given().get("/api/v1/workers?limit=1").then().statusCode(200)
                .body("count", greaterThanOrEqualTo(2)).body("results.size()", equalTo(1))
                .body("next", equalTo("/api/v1/workers?limit=1&offset=1")).body("previous", nullValue());
    }

    @Test
    void badWorkerQueriesAre400() {
        given().get("/api/v1/workers?online=yes").then().statusCode(400).body("errors.field", hasItem("online"));
        given().get("/api/v1/workers?limit=0").then().statusCode(400).body("errors.field", hasItem("limit"));
        given().get("/api/v1/workers?offset=-3").then().statusCode(400).body("errors.field", hasItem("offset"));
    }

    @Test
    void aWorkerByNameIsTheFirstOnlineOne() {
        String name = unique("w") + "@host";
        worker(name, false);
        given().get("/api/v1/workers/" + name).then().statusCode(404);
        worker(name, true);
        given().get("/api/v1/workers/" + name).then().statusCode(200)
                .body("name", equalTo(name)).body("online", equalTo(true)).body("type", equalTo("worker"));
        given().get("/api/v1/workers/" + unique("nobody")).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void workersCannotBeDeleted() {
        String name = unique("w") + "@host";
        worker(name, true);
        given().delete("/api/v1/workers/" + name).then().statusCode(405);
        given().get("/api/v1/workers/" + name).then().statusCode(200);
    }
}
