package dev.brigade.api;

import dev.brigade.core.db.TaskBatchStore;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Immediate tasks run in the request (the test profile's time limit is 1 s). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ImmediateTaskTest extends ApiTestBase {

    @Test
    void anImmediateEchoComesBackCompletedWithItsResult() {
        String id = post(Map.of("name", "brigade.echo", "args", Map.of("value", Map.of("a", 1)), "immediate", true))
                .statusCode(202)
                .body("state", equalTo("completed"))
                .body("result.a", equalTo(1))
                .body("started_at", notNullValue())
                .body("finished_at", notNullValue())
                .body("worker", endsWith("@" + host()))
                .extract().path("id");
        assertThat(reservationRows(id)).as("resources released").isZero();
    }

    @Test
    void anImmediateFailureComesBackFailedWithItsDescription() {
        post(Map.of("name", "brigade.fail", "args", Map.of("message", "no luck"), "immediate", true))
                .statusCode(202)
                .body("state", equalTo("failed"))
                .body("error.description", equalTo("no luck"))
                .body("result", nullValue());
    }

    @Test
    void anImmediateTaskPastItsTimeLimitEndsFailedSayingItTimedOut() {
        String id = post(Map.of("name", "brigade.sleep", "args", Map.of("seconds", 30), "immediate", true))
                .statusCode(202)
                .body("state", equalTo("failed"))
                .body("error.description", containsString("timed out"))
                .extract().path("id");
        assertThat(reservationRows(id)).isZero();
    }

    @Test
    void anImmediateHandlerThatIgnoresItsStopKeepsItsResourcesUntilItReturns() {
        stubborn.reset();
        String resource = unique("repo");
        try {
            String first = post(Map.of("name", LatchedStubbornHandler.NAME, "args", Map.of(), "immediate", true,
                    "exclusive_resources", List.of(resource)))
                    .statusCode(202)
                    .body("state", equalTo("failed"))
                    .body("error.description", containsString("timed out"))
                    .extract().path("id");
            assertThat(stubborn.isRunning()).as("the handler ignored its stop past the grace").isTrue();
            assertThat(presence.mayDeregister()).as("a stop now must leave the row to expire").isFalse();
            assertThat(reservationRows(first)).as("resources kept while the handler runs").isPositive();

            // a later task on the same resource must not run beside the handler
            String second = post(echo("immediate", true, "exclusive_resources", List.of(resource))).statusCode(202)
                    .body("state", equalTo("waiting"))
                    .body("unblocked_at", nullValue())
                    .extract().path("id");
            unblockAll();
            assertThat(unblocked(second)).as("not unblocked while the first handler runs").isFalse();
            assertThat(stubborn.isRunning()).isTrue();

            stubborn.letGo();
            awaitTrue(() -> reservationRows(first) == 0, "the first task's resources released once its handler returned");
            assertThat(stubborn.hasReturned()).isTrue();
            awaitTrue(presence::mayDeregister, "the row may be deleted on a stop again");
            awaitTrue(() -> {
                unblockAll();
                return unblocked(second);
            }, "the second task unblocked once the resource is free");
            given().get("/api/v1/tasks/" + first).then().statusCode(200)
                    .body("state", equalTo("failed"))
                    .body("error.description", containsString("timed out"));
        } finally {
            stubborn.letGo();
        }
    }

    @Inject
    LatchedStubbornHandler stubborn;

    @Inject
    dev.brigade.api.immediate.ApiPresence presence;

    /** What a worker's unblocker does after a release, until nothing is pending. */
    private void unblockAll() {
        for (int i = 0; i < 100; i++) {
            var step = TaskBatchStore.unblockStep(pool, 1000).await().atMost(WAIT);
            if (step.consumed() == 0) {
                return;
            }
        }
    }

    private boolean unblocked(String id) {
        return pool.preparedQuery("SELECT unblocked_at IS NOT NULL FROM task WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id))).await().atMost(WAIT)
                .iterator().next().getBoolean(0);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aHandlerThatMayNotRunImmediatelyIsA400() {
        long before = taskRows();
        post(Map.of("name", "brigade.spawn", "args", Map.of(), "immediate", true)).statusCode(400)
                .body("errors.field", hasItem("immediate"));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void aConflictingDeferrableImmediateTaskIsLeftToTheWorkers() {
        String resource = unique("repo");
        dispatch(echo("exclusive_resources", List.of(resource)));
        post(echo("immediate", true, "exclusive_resources", List.of(resource))).statusCode(202)
                .body("state", equalTo("waiting"))
                .body("unblocked_at", nullValue())
                .body("worker", nullValue());
    }

    @Test
    void aConflictingImmediateTaskThatMayNotWaitIsCanceled() {
        String resource = unique("repo");
        dispatch(echo("shared_resources", List.of(resource)));
        String id = post(echo("immediate", true, "deferred", false, "exclusive_resources", List.of(resource)))
                .statusCode(202)
                .body("state", equalTo("canceled"))
                .body("error.description", equalTo("resources temporarily unavailable"))
                .body("started_at", nullValue())
                .extract().path("id");
        assertThat(reservationRows(id)).isZero();
    }

    @Test
    void anImmediateTaskOnFreeResourcesRunsEvenWhenOthersWait() {
        String busy = unique("repo");
        dispatch(echo("exclusive_resources", List.of(busy)));
        post(echo("immediate", true, "exclusive_resources", List.of(unique("repo")))).statusCode(202)
                .body("state", equalTo("completed"));
    }

    @Test
    void theApiServerIsRegisteredWhileItRuns() {
        long rows = pool.query("SELECT count(*) FROM app_status WHERE type = 'api' AND last_heartbeat >= now() - ttl")
                .execute().await().atMost(WAIT).iterator().next().getLong(0);
        assertThat(rows).isEqualTo(1);
        given().get("/q/health/ready").then().statusCode(200);
    }

    private long reservationRows(String id) {
        return pool.preparedQuery("SELECT count(*) FROM task_reservation WHERE task_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id))).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }

    private static String host() {
        String name = dev.brigade.core.process.ProcessName.current();
        return name.substring(name.indexOf('@') + 1);
    }
}
