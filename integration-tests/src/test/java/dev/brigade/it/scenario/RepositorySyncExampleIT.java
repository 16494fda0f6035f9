package dev.brigade.it.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.Json;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.Programs;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application (examples/repository-sync: Brigade's worker artifact with two handlers
 * of its own) as its users run it: its packaged worker through PgBouncer with the relay, beside
 * the stock api-server, which has none of its code, driven over REST only.
 */
@Timeout(180)
class RepositorySyncExampleIT {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    private static ApiServerProcess api;
    private static Path work;

    /** The environment stops workers after each test: each test starts the example's worker again. */
    @BeforeEach
    void startTheExampleWorkerBesideTheStockApiServer() throws IOException {
        work = Files.createDirectories(Programs.workRoot().resolve("repository-sync-" + UUID.randomUUID()));
        api = env.relay();
    }

    private static void startExampleWorker(WorkerSpec spec) {
        env.startWorker(spec.concurrency(2).program(Programs.exampleWorkerJar())
                .with("repository-sync.storage", work.resolve("storage").toString()));
    }

    private static void startExampleWorker() {
        startExampleWorker(WorkerSpec.of(ConnectionMode.PGBOUNCER_RELAY));
    }

    /**
     * A mixed fleet: a stock worker waits longer than the example's, and neither heartbeats nor
     * polls within the test (ttl 300 s: a heartbeat every 100 s). The wake-ups of a dispatch and
     * of the unblock step that frees a task queued on a resource must go to the worker that runs
     * the task's handler; one given to the stock worker would find nothing to claim, and the
     * task would wait for the example worker's next heartbeat.
     */
    @Test
    void inAMixedFleetADispatchWakesTheWorkerThatRunsItsHandler() throws Exception {
        WorkerSpec quiet = WorkerSpec.of(ConnectionMode.PGBOUNCER_RELAY).ttl(Duration.ofSeconds(300))
                .with("brigade.worker.poll-max-interval", "300S");
        env.startWorker(quiet);
        startExampleWorker(quiet);
        Path source = source("rocky", 2);
        JsonNode synced = awaitTask(dispatch(syncBody("rocky", source, 0)), t -> t.get("state").asText().equals("completed"));
        // its child waited behind it on the repository: the unblock step's wake-up names its handler too
        JsonNode child = awaitTask(UUID.fromString(synced.get("result").get("index_task").asText()), t -> isFinal(t));
        assertThat(child.get("state").asText()).isEqualTo("completed");

        JsonNode index = awaitTask(dispatch(Map.of("name", "repository.index", "args", Map.of("repository", "rocky"))),
                t -> isFinal(t));
        assertThat(index.get("state").asText()).isEqualTo("completed");
    }

    @Test
    void theApiServerListsTheExampleHandlersAsRunByItsWorkerOnly() throws Exception {
        startExampleWorker();
        JsonNode handlers = send("GET", "/api/v1/handlers", null).body();
        JsonNode sync = byName(handlers.get("results"), "repository.sync");
        assertThat(sync.get("runs_in_api_server").asBoolean()).isFalse();
        assertThat(sync.get("workers")).hasSize(1);
        assertThat(byName(handlers.get("results"), "repository.index").get("may_run_immediately").asBoolean()).isTrue();
    }

    @Test
    void aSyncReportsProgressCompletesAndItsIndexChildRunsAfterIt() throws Exception {
        startExampleWorker();
        Path source = source("fedora", 12);
        UUID id = dispatch(syncBody("fedora", source, 100));

        JsonNode running = awaitTask(id, t -> t.get("progress_reports").size() == 1
                && t.get("progress_reports").get(0).get("done").asInt() > 0);
        assertThat(running.get("progress_reports").get(0).get("code").asText()).isEqualTo("sync.files");
        assertThat(running.get("progress_reports").get(0).get("total").asInt()).isEqualTo(12);

        JsonNode done = awaitTask(id, t -> t.get("state").asText().equals("completed"));
        assertThat(done.get("result").get("copied").asInt()).isEqualTo(12);
        assertThat(Files.list(work.resolve("storage/fedora")).filter(f -> f.toString().endsWith(".rpm")).count()).isEqualTo(12);
        UUID index = UUID.fromString(done.get("result").get("index_task").asText());
        assertThat(done.get("child_tasks")).extracting(JsonNode::asText).containsExactly(index.toString());

        JsonNode indexed = awaitTask(index, t -> isFinal(t));
        assertThat(indexed.get("state").asText()).isEqualTo("completed");
        assertThat(indexed.get("result").get("files").asInt()).isEqualTo(12);
    }

    @Test
    void aCanceledSyncStopsBetweenFiles() throws Exception {
        startExampleWorker();
        Path source = source("centos", 40);
        UUID id = dispatch(syncBody("centos", source, 250));
        awaitTask(id, t -> t.get("progress_reports").size() == 1
                && t.get("progress_reports").get(0).get("done").asInt() > 0);

        assertThat(send("PATCH", "/api/v1/tasks/" + id, Map.of("state", "canceled")).status()).isEqualTo(200);

        JsonNode canceled = awaitTask(id, t -> isFinal(t));
        assertThat(canceled.get("state").asText()).isEqualTo("canceled");
        assertThat(canceled.get("progress_reports").get(0).get("done").asInt()).isLessThan(40);
        assertThat(canceled.get("child_tasks")).isEmpty();
    }

    @Test
    void badArgsFailTheTaskAndAnUnknownNameIsRefusedWithTheKnownNames() throws Exception {
        startExampleWorker();
        JsonNode failed = awaitTask(dispatch(syncBody("suse", Path.of("/no/such/folder"), 0)), t -> isFinal(t));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("error").get("description").asText()).startsWith("args.source must be");

        Response unknown = send("POST", "/api/v1/tasks", Map.of("name", "repository.synk", "args", Map.of()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("detail").asText()).contains("repository.index", "repository.sync");
    }

    @Test
    void anImmediateIndexGoesToTheWorkerAtOnce() throws Exception {
        startExampleWorker();
        Path source = source("alma", 3);
        awaitTask(dispatch(syncBody("alma", source, 0)), t -> t.get("state").asText().equals("completed"));

        Response answer = send("POST", "/api/v1/tasks", Map.of("name", "repository.index", "immediate", true,
                "args", Map.of("repository", "alma"), "exclusive_resources", List.of("repository:alma")));

        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(202);
        JsonNode index = awaitTask(UUID.fromString(answer.body().get("id").asText()), t -> isFinal(t));
        assertThat(index.get("state").asText()).isEqualTo("completed");
        assertThat(index.get("immediate").asBoolean()).isTrue();
        assertThat(index.get("result").get("files").asInt()).isEqualTo(3);
    }

    private static Map<String, Object> syncBody(String repository, Path source, int pauseMs) {
        return Map.of("name", "repository.sync",
                "args", Map.of("repository", repository, "source", source.toString(), "pause_ms", pauseMs),
                "exclusive_resources", List.of("repository:" + repository));
    }

    private static Path source(String repository, int files) throws IOException {
        Path folder = Files.createDirectories(work.resolve("sources").resolve(repository));
        for (int i = 0; i < files; i++) {
            Files.writeString(folder.resolve(repository + "-" + i + ".rpm"), "package " + i);
        }
        return folder;
    }

    private static UUID dispatch(Map<String, Object> body) throws Exception {
        Response answer = send("POST", "/api/v1/tasks", body);
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(202);
        return UUID.fromString(answer.body().get("id").asText());
    }

    private static JsonNode awaitTask(UUID id, Predicate<JsonNode> condition) {
        return Await.until("task " + id + " reaches the condition", WAIT, () -> {
            try {
                return send("GET", "/api/v1/tasks/" + id, null).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, condition);
    }

    private static boolean isFinal(JsonNode task) {
        return List.of("completed", "failed", "canceled").contains(task.get("state").asText());
    }

    private static JsonNode byName(JsonNode results, String name) {
        return StreamSupport.stream(results.spliterator(), false)
                .filter(h -> h.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not among " + results));
    }

    private record Response(int status, JsonNode body) {
    }

    private static Response send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), Json.parse(response.body()));
    }
}
