package dev.brigade.api;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * What the API tests share: one Quarkus boot on a fresh migrated PostgreSQL (the test resource
 * applies to every @QuarkusTest of the module), and SQL on that database to put tasks where no
 * worker will take them in this suite (running, completed...).
 */
public abstract class ApiTestBase {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    protected Pool pool;

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** A name no other test uses, for a domain or resource that isolates a test's tasks. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static Map<String, Object> echo(Object... extra) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "brigade.echo");
        body.put("args", Map.of("value", 1));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return body;
    }

    protected static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then();
    }

    protected static String dispatch(Object body) {
        return post(body).statusCode(202).extract().path("id");
    }

    protected long taskRows() {
        return pool.query("SELECT count(*) FROM task").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    /** Runs a statement on the test database; $1 is the task id. */
    protected void sql(String statement, UUID id) {
        pool.preparedQuery(statement).execute(Tuple.of(id)).await().atMost(WAIT);
    }

    protected void markRunning(String id) {
        sql("UPDATE task SET state = 'running', worker = 'test@host', "
                + "unblocked_at = coalesce(unblocked_at, clock_timestamp()), started_at = clock_timestamp() WHERE id = $1",
                UUID.fromString(id));
    }

    /** Moves a task to a final state as a worker would, releasing its reservation rows. */
    protected void markFinal(String id, String state) {
        UUID uuid = UUID.fromString(id);
        sql("DELETE FROM task_reservation WHERE task_id = $1", uuid);
        pool.preparedQuery("UPDATE task SET state = $2, worker = coalesce(worker, 'test@host'), "
                        + "unblocked_at = coalesce(unblocked_at, clock_timestamp()), "
                        + "started_at = CASE WHEN $2 = 'canceled' THEN started_at ELSE coalesce(started_at, clock_timestamp()) END, "
                        + "finished_at = clock_timestamp() WHERE id = $1")
                .execute(Tuple.of(uuid, state)).await().atMost(WAIT);
    }

    protected static List<String> ids(ValidatableResponse response) {
        return response.extract().path("results.id");
    }
}
