package dev.brigade.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The probes and metrics a worker serves on its management port. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class MetricsAndProbesTest {
    private static final int MANAGEMENT_TEST_PORT = 9931;

    @Inject
    Dispatcher dispatcher;
    @Inject
    Pool pool;

    private static io.restassured.response.Response get(String path) {
        // quarkus.management.test-port of the worker's settings (META-INF/microprofile-config.properties); the worker serves no main HTTP port,
        // which leaves RestAssured's default port at 0
        RestAssured.port = MANAGEMENT_TEST_PORT;
        return RestAssured.get(path);
    }

    @Test
    void readinessNamesWhatItChecked() {
        get(("/q/health/ready")).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'brigade-worker' }.data.heartbeat_fresh", equalTo(true))
                .body("checks.find { it.name == 'brigade-worker' }.data.listener_connected", equalTo(true));
        get(("/q/health/live")).then().statusCode(200);
        get(("/q/health/started")).then().statusCode(200);
    }

    @Test
    void finishedTasksAndQueueFiguresAreExported() throws InterruptedException {
        UUID id = dispatcher.dispatch(DispatchRequest.of("brigade.echo", JsonNodeFactory.instance.objectNode()))
                .await().atMost(Duration.ofSeconds(10)).task().id();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!TaskStore.findById(pool, id).await().atMost(Duration.ofSeconds(10)).orElseThrow().state().isFinal()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        get(("/q/metrics")).then().statusCode(200)
                .body(containsString("brigade_tasks_finished_total{name=\"brigade.echo\",state=\"completed\"}"))
                .body(containsString("brigade_queue_oldest_unclaimed_age_seconds"))
                .body(containsString("brigade_claim_duration_seconds_count"))
                .body(containsString("brigade_worker_busy_slots"));
    }
}
