package dev.brigade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.db.Json;
import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskCanceler;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process handlers run by the worker in the test JVM against real PostgreSQL: the Python script
 * src/test/resources/process/handler.py, one handler name per mode.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(ProcessHandlerTest.Handlers.class)
class ProcessHandlerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final List<String> MODES = List.of("echo", "progress", "empty", "fail", "not-json", "too-large",
            "segfault", "stubborn", "sleep");

    /** test.<mode> for each mode; test.stubborn has a one-second grace between SIGTERM and SIGKILL. */
    public static class Handlers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String script = Path.of("src/test/resources/process/handler.py").toAbsolutePath().toString();
            Map<String, String> config = new HashMap<>();
            for (String mode : MODES) {
                config.put("brigade.process-handlers.\"test." + mode + "\".command", "/usr/bin/python3," + script + "," + mode);
            }
            config.put("brigade.process-handlers.\"test.stubborn\".cancel-grace", "1S");
            config.put("brigade.process-handlers.\"test.sleep\".may-run-immediately", "true");
            config.put("brigade.process-handlers.\"test.missing\".command", "/no/such/program");
            return config;
        }
    }

    @Inject
    Dispatcher dispatcher;
    @Inject
    TaskCanceler canceler;
    @Inject
    TaskHandlers handlers;
    @Inject
    Pool pool;
    @Inject
    WorkerIdentity identity;

    @Test
    void theWorkerAdvertisesItsProcessHandlers() {
        JsonNode advertised = await("the worker registered", () -> {
            var rows = pool.preparedQuery("SELECT handlers::text AS handlers FROM app_status WHERE id = $1")
                    .execute(Tuple.of(identity.id())).await().atMost(DEADLINE);
            return rows.rowCount() == 1 ? Optional.of(Json.parse(rows.iterator().next().getString("handlers"))) : Optional.empty();
        });
        assertThat(advertised.has("test.echo")).isTrue();
        assertThat(advertised.get("test.echo").get("may_run_immediately").asBoolean()).isFalse();
        assertThat(advertised.get("test.sleep").get("may_run_immediately").asBoolean()).isTrue();
        assertThat(advertised.has("brigade.echo")).as("beside the built-in ones").isTrue();
        assertThat(handlers.names()).contains("test.echo", "test.stubborn");
    }

    @Test
    void theArgsArriveOnStdinIntactAndStdoutIsTheResult() {
        ObjectNode args = JsonNodeFactory.instance.objectNode()
                .put("quotes", "it's \"quoted\" and `back`")
                .put("shell", "$(touch /tmp/brigade-pwned); rm -rf / ; echo $HOME *")
                .put("unicode", "Grüße, 日本語, 😀, \u00e9\u0301")
                .put("controls", "tab\tnewline\nback\\slash\u0001")
                .put("number", 12345678901234L);
        args.putArray("list").add(1).add("two").addNull();
        Task done = awaitFinal(dispatch("test.echo", args));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        JsonNode result = done.result();
        assertThat(result.get("args")).isEqualTo(args);
        assertThat(Json.parse(result.get("raw").asText())).as("stdin is the args' JSON, nothing else").isEqualTo(args);
        assertThat(result.get("argv")).as("the command line is the configured one only")
                .isEqualTo(Json.parse("[\"echo\"]"));
        assertThat(result.get("task_id").asText()).isEqualTo(done.id().toString());
        assertThat(Files.exists(Path.of("/tmp/brigade-pwned"))).isFalse();
    }

    @Test
    void emptyStdoutIsANullResult() {
        Task done = awaitFinal(dispatch("test.empty", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.result() == null || done.result().isNull()).isTrue();
    }

    @Test
    void progressLinesUpdateTheTasksProgressReport() {
        Task done = awaitFinal(dispatch("test.progress", JsonNodeFactory.instance.objectNode().put("total", 5)));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.result().get("steps").asInt()).isEqualTo(5);
        List<ProgressReport> reports = ProgressStore.byTask(pool, done.id()).await().atMost(DEADLINE);
        assertThat(reports).hasSize(1);
        ProgressReport steps = reports.getFirst();
        assertThat(steps.code()).isEqualTo("test.steps");
        assertThat(steps.message()).isEqualTo("Stepping");
        assertThat(steps.total()).isEqualTo(5);
        assertThat(steps.done()).isEqualTo(5);
        assertThat(steps.state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void aNonZeroExitFailsTheTaskWithItsCodeAndTheTailOfStderr() {
        Task done = awaitFinal(dispatch("test.fail", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        String description = done.error().get("description").asText();
        assertThat(description).startsWith("process handler test.fail exited with code 3; its stderr ends:\n");
        assertThat(description).endsWith("log line 29\nit broke: no such repository");
        assertThat(description).as("a bounded tail").doesNotContain("log line 10\n");
        assertThat(done.error().get("exit_code").asInt()).isEqualTo(3);
        assertThat(done.error().has("traceback")).as("a clean failure").isFalse();
    }

    @Test
    void stdoutThatIsNotJsonFailsTheTask() {
        Task done = awaitFinal(dispatch("test.not-json", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText())
                .startsWith("process handler test.not-json exited 0 but its stdout (24 bytes) is not one JSON value")
                .doesNotContain("hello");
    }

    @Test
    void stdoutPastOneMebibyteFailsTheTask() {
        Task done = awaitFinal(dispatch("test.too-large", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText())
                .startsWith("process handler test.too-large wrote more than 1048576 bytes on stdout");
    }

    @Test
    void aDeathBySignalFailsTheTaskAndTheWorkerGoesOn() {
        Task done = awaitFinal(dispatch("test.segfault", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText())
                .startsWith("process handler test.segfault exited with code 139 (128 + 11: killed by signal 11, SIGSEGV)");
        Task next = awaitFinal(dispatch("test.empty", JsonNodeFactory.instance.objectNode()));
        assertThat(next.state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void cancelSendsSigtermThenSigkillToAChildThatIgnoresItAndItsDescendants() {
        UUID id = dispatch("test.stubborn", JsonNodeFactory.instance.objectNode());
        long child = awaitProgress(id, "pid");
        long grandchild = awaitProgress(id, "grandchild");
        assertThat(gone(child)).isFalse();
        assertThat(gone(grandchild)).isFalse();

        assertThat(canceler.cancel(id).await().atMost(DEADLINE)).isEqualTo(TaskState.CANCELING);
        Task done = awaitFinal(id);
        assertThat(done.state()).isEqualTo(TaskState.CANCELED);
        assertThat(gone(child)).as("the child ignored SIGTERM; SIGKILL ended it").isTrue();
        assertThat(gone(grandchild)).as("its descendants too").isTrue();
        assertThat(Duration.between(done.startedAt(), done.finishedAt())).as("the 1 s grace, not the worker's escalation")
                .isLessThan(Duration.ofSeconds(6));
        // the worker is still there (no escalation halted it) and takes the next task
        assertThat(awaitFinal(dispatch("test.empty", JsonNodeFactory.instance.objectNode())).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void cancelEndsAChildThatHonoursSigterm() {
        UUID id = dispatch("test.sleep", JsonNodeFactory.instance.objectNode().put("seconds", 60));
        long child = awaitProgress(id, "pid");
        canceler.cancel(id).await().atMost(DEADLINE);
        Task done = awaitFinal(id);
        assertThat(done.state()).isEqualTo(TaskState.CANCELED);
        assertThat(gone(child)).isTrue();
    }

    @Test
    void theTimeLimitOfAnImmediateTaskStopsTheChildAndFailsTheTask() {
        // brigade.immediate.timeout is 1 s in tests
        DispatchRequest sleepy = new DispatchRequest("test.sleep", JsonNodeFactory.instance.objectNode().put("seconds", 60),
                List.of(), List.of(), true, true, null, null, null, null, null);
        UUID id = dispatcher.dispatch(sleepy).await().atMost(DEADLINE).task().id();
        long child = awaitProgress(id, "pid");
        Task done = awaitFinal(id);
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText()).startsWith("timed out");
        assertThat(gone(child)).isTrue();
    }

    @Test
    void aCommandThatCannotStartFailsTheTask() {
        Task done = awaitFinal(dispatch("test.missing", JsonNodeFactory.instance.objectNode()));
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText())
                .startsWith("process handler test.missing could not start /no/such/program: ");
    }

    /** Gone, or a zombie waiting for a parent that is not ours to reap it. */
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private long awaitProgress(UUID task, String code) {
        return await("progress " + code + " of " + task, () -> ProgressStore.byTask(pool, task).await().atMost(DEADLINE)
                .stream().filter(r -> r.code().equals(code)).findFirst().map(r -> (long) r.done()));
    }

    private UUID dispatch(String name, JsonNode args) {
        return dispatcher.dispatch(DispatchRequest.of(name, args)).await().atMost(DEADLINE).task().id();
    }

    private Task awaitFinal(UUID id) {
        Predicate<Task> isFinal = t -> t.state().isFinal();
        return await("task " + id + " final", () -> TaskStore.findById(pool, id).await().atMost(DEADLINE).filter(isFinal));
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not in time");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
