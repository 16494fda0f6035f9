package dev.brigade.it.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.Json;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Python process handler (src/test/resources/process/it_handler.py) run by the real worker jar,
 * dispatched, watched and canceled through the real api-server: it completes with its stdout as
 * the result, reports progress seen on GET /api/v1/tasks/{id} while it runs, is canceled (SIGTERM
 * ends it), and fails with its exit code and stderr. The api-server has no such handler: it takes
 * the names because the worker advertises them. One connection mode: nothing here depends on it.
 */
@Timeout(120)
class ProcessHandlerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private ApiServerProcess api;

    @Test
    void aPythonHandlerRunsReportsProgressIsCanceledAndFails() throws Exception {
        api = env.startApiServer(ConnectionMode.DIRECT, Map.of());
        String script = Path.of("src/test/resources/process/it_handler.py").toAbsolutePath().toString();
        WorkerSpec spec = WorkerSpec.of(ConnectionMode.DIRECT).concurrency(2);
        for (String mode : new String[] {"report", "wait", "fail"}) {
            spec = spec.with("brigade.process-handlers.\"it." + mode + "\".command", "/usr/bin/python3," + script + "," + mode);
        }
        WorkerProcess worker = env.startWorker(spec.with("brigade.process-handlers.\"it.wait\".cancel-grace", "2S"));

        JsonNode handlers = get("/api/v1/handlers?limit=1000");
        assertThat(handlers.path("results").findValuesAsText("name")).contains("it.report", "it.wait", "it.fail");

        // runs: args in on stdin, the result from stdout, its progress report at the end
        String done = dispatch("it.report", Map.of("steps", 3, "greeting", "grüß \"dich\" $HOME"));
        JsonNode report = awaitState(done, "completed");
        assertThat(report.path("result")).isEqualTo(Json.parse("{\"greeting\": \"grüß \\\"dich\\\" $HOME\", \"steps\": 3}"));
        JsonNode steps = report.path("progress_reports").get(0);
        assertThat(steps.path("code").asText()).isEqualTo("it.steps");
        assertThat(steps.path("message").asText()).isEqualTo("Step 3");
        assertThat(steps.path("done").asInt()).isEqualTo(3);
        assertThat(steps.path("total").asInt()).isEqualTo(3);

        // reports progress while it runs, then is canceled
        String waiting = dispatch("it.wait", Map.of());
        JsonNode running = Await.until("it.wait's progress while it runs", WAIT, () -> get("/api/v1/tasks/" + waiting),
                t -> t.path("state").asText().equals("running") && t.path("progress_reports").size() == 1);
        assertThat(running.path("progress_reports").get(0).path("message").asText()).isEqualTo("Waiting to be canceled");
        assertThat(running.path("progress_reports").get(0).path("done").asInt()).isEqualTo(1);
        HttpResponse<String> cancel = http.send(json("PATCH", "/api/v1/tasks/" + waiting, "{\"state\": \"canceled\"}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        JsonNode canceled = awaitState(waiting, "canceled");
        assertThat(canceled.path("error").isNull()).as("canceled, not failed: %s", canceled).isTrue();

        // fails: its exit code and the tail of its stderr
        String failing = dispatch("it.fail", Map.of("remote", "git.example.org"));
        JsonNode failed = awaitState(failing, "failed");
        assertThat(failed.path("error").path("description").asText())
                .isEqualTo("process handler it.fail exited with code 2; its stderr ends:\ncannot reach git.example.org");
        assertThat(failed.path("error").path("exit_code").asInt()).isEqualTo(2);

        assertThat(worker.alive()).as("none of it harmed the worker").isTrue();
        env.assertInvariants();
    }

    private String dispatch(String name, Map<String, Object> args) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(json("POST", "/api/v1/tasks", Json.write(Map.of("name", name, "args", args))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.parse(response.body()).path("id").asText();
    }

    private JsonNode awaitState(String id, String state) {
        JsonNode task = Await.until("task " + id + " final", WAIT, () -> get("/api/v1/tasks/" + id),
                t -> t.path("finished_at").isTextual());
        assertThat(task.path("state").asText()).as("%s", task).isEqualTo(state);
        return task;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpRequest json(String method, String path, String body) {
        return HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
