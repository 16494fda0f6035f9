package dev.brigade.it.fault;

import dev.brigade.core.db.Json;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.RandomTasks;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.PgBouncer;
import dev.brigade.it.env.ProgramProcess;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PgBouncer restarted twice in the middle of a run, once crashed (kill -9) and once shut down
 * safely (SIGINT, as an operator's restart does), while 3 workers × 4 drain 1,500 conflicting
 * tasks through it and a client keeps dispatching through the api-server, also behind it. Each
 * time, every program's readiness goes down and comes back, and nobody halts. Afterwards every
 * task completed (the outages are far shorter than the ttl: nothing may fail), every dispatch the
 * api-server acknowledged is a committed task, no task final at a restart changed afterwards, and
 * the invariants hold, handler runs included (a claim or finish whose reply was lost in the drop
 * must not run a task twice).
 * Only the two modes through PgBouncer: in the direct mode no program uses it.
 */
@Timeout(600)
class PgBouncerRestartIT {
    private static final int TASKS = 1_500;
    private static final int RESOURCES = 50;
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConnectionMode.class, names = {"PGBOUNCER_LISTEN", "PGBOUNCER_POLL"})
    void everythingRidesOutAPgBouncerCrashAndASafeRestart(ConnectionMode mode) throws Exception {
        long seed = System.nanoTime();
        List<WorkerProcess> workers = env.startWorkers(3, WorkerSpec.of(mode).concurrency(4));
        ApiServerProcess api = env.startApiServer(mode, Map.of());
        List<ProgramProcess> programs = Stream.concat(workers.stream(), Stream.of(api)).map(p -> (ProgramProcess) p).toList();
        long before = env.tasks().finalCount(); // the other mode's tasks share the database
        try (DispatchingClient client = new DispatchingClient(api, mode.name())) {
            List<UUID> ids = env.dispatcher().dispatchAll(
                    RandomTasks.recorded(new Random(seed), TASKS, RESOURCES, mode.name(), 0, 20), 8);
            List<List<TaskRecord>> snapshots = new ArrayList<>(); // the rows at each restart: what was final stays so
            long afterCrash = restartMidRun(mode, "crash (kill -9)", PgBouncer::crash, programs, before + TASKS / 5,
                    snapshots);
            // the programs get work done between the two restarts
            restartMidRun(mode, "safe shutdown (SIGINT)", PgBouncer::shutDownSafely, programs,
                    Math.max(before + TASKS / 2, afterCrash + TASKS / 10), snapshots);
            client.awaitAcknowledgedAfterTheRestarts();
            client.stop();
            env.awaitAllFinal(Duration.ofSeconds(240));

            List<TaskRecord> acknowledged = env.tasks().get(client.acknowledged()); // fails naming any id without a row
            System.out.printf("[pgbouncer-restart] %s: %d dispatches through the api-server acknowledged; other answers %s;"
                    + " seed %d%n", mode, acknowledged.size(), client.otherAnswers(), seed);
            assertThat(acknowledged).as("acknowledged dispatches are committed tasks, all completed")
                    .allMatch(task -> task.state() == TaskState.COMPLETED, "completed");
            assertThat(client.otherAnswers().keySet()).as("answers while the database was out of reach: 503 problem+json"
                    + " with Retry-After, never a 500 or a dropped request").isSubsetOf(Set.of(DispatchingClient.UNAVAILABLE));
            checkTasks(ids, seed);
            snapshots.forEach(env::assertFinalTasksUnchangedSince); // a write replayed after a drop changed nothing final
        }
        assertThat(workers).as("no worker halted or died").allMatch(WorkerProcess::alive, "alive");
        env.assertInvariants();
        assertThat(env.tasks().leftoverReservations()).as("reservations left by final tasks").isZero();
    }

    private static void checkTasks(List<UUID> ids, long seed) {
        Map<TaskState, Long> states = env.tasks().get(ids).stream()
                .collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting()));
        assertThat(states).as("every task completed (seed %d)", seed).isEqualTo(Map.of(TaskState.COMPLETED, (long) TASKS));
    }

    /**
     * Once {@code finalTasks} tasks are final: stop PgBouncer, see every program's readiness go
     * down, keep it down a moment longer, start it again, see every program ready again. Returns
     * the final tasks by then.
     */
    private static long restartMidRun(ConnectionMode mode, String how, Consumer<PgBouncer> stop,
                                      List<ProgramProcess> programs, long finalTasks, List<List<TaskRecord>> snapshots)
            throws InterruptedException {
        Await.until(finalTasks + " tasks final before the " + how, Duration.ofSeconds(120),
                env.tasks()::finalCount, done -> done >= finalTasks);
        long unfinished = env.tasks().incomplete();
        List<TaskRecord> before = env.tasks().all();
        stop.accept(env.pgBouncer());
        for (ProgramProcess program : programs) {
            Await.until(program + " not ready after PgBouncer's " + how, Duration.ofSeconds(30), () -> !program.ready());
        }
        Thread.sleep(OUTAGE); // an outage of some length, not a wait for anything
        env.pgBouncer().startAgain();
        for (ProgramProcess program : programs) {
            Await.until(program + " ready again after PgBouncer's " + how, Duration.ofSeconds(60), program::ready);
        }
        System.out.printf("[pgbouncer-restart] %s: %s with %d tasks unfinished; every program's readiness went down"
                + " and came back%n", mode, how, unfinished);
        snapshots.add(before);
        return env.tasks().finalCount();
    }

    /**
     * One client dispatching brigade.record tasks through the api-server in a steady trickle: it
     * keeps the ids the api-server acknowledged (2xx) and counts every other answer by its kind.
     */
    private static final class DispatchingClient implements AutoCloseable {
        static final String UNAVAILABLE = "503 problem+json Retry-After";
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ApiServerProcess api;
        private final String namespace;
        private final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        private final Map<String, Integer> otherAnswers = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        DispatchingClient(ApiServerProcess api, String namespace) {
            this.api = api;
            this.namespace = namespace;
            this.thread = Thread.ofPlatform().name("api-client").start(this::dispatchUntilStopped);
        }

        private void dispatchUntilStopped() {
            for (int i = 0; !stop.get(); i++) {
                HttpRequest request = HttpRequest.newBuilder(api.uri("/api/v1/tasks"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"brigade.record\",\"args\":{\"ms\":1},"
                                + "\"exclusive_resources\":[\"api:" + namespace + ":" + (i % 10) + "\"]}"))
                        .build();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        acknowledged.add(UUID.fromString(Json.parse(response.body()).path("id").asText()));
                    } else {
                        otherAnswers.merge(kind(response), 1, Integer::sum);
                    }
                    Thread.sleep(20); // a steady trickle, not a flood that would starve the workers
                } catch (IOException e) {
                    otherAnswers.merge("no answer: " + e, 1, Integer::sum);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Proof the api-server dispatches again: a few more acknowledged after the restarts. */
        void awaitAcknowledgedAfterTheRestarts() {
            int now = acknowledged.size();
            Await.until("the api-server acknowledging dispatches again", Duration.ofSeconds(60),
                    () -> acknowledged.size() >= now + 5);
        }

        Set<UUID> acknowledged() {
            return Set.copyOf(acknowledged);
        }

        Map<String, Integer> otherAnswers() {
            return Map.copyOf(otherAnswers);
        }

        private static String kind(HttpResponse<String> response) {
            boolean problem = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
            boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
            if (response.statusCode() == 503 && problem && retryAfter) {
                return UNAVAILABLE;
            }
            return response.statusCode() + (problem ? " problem+json " : " ") + response.body();
        }

        void stop() {
            stop.set(true);
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
