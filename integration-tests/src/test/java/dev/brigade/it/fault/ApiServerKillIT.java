package dev.brigade.it.fault;

import dev.brigade.core.db.Json;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the api-server while four clients dispatch through it (invariant 5: a 2xx means the
 * row is committed). Every task the api-server acknowledged must be a row; a worker started
 * afterwards takes every task, acknowledged or not, to a final state, and the invariants hold. In
 * every connection mode: through PgBouncer, both the api-server and the worker connect through it.
 */
@Timeout(150)
class ApiServerKillIT {
    private static final int CLIENTS = 4;
    private static final int RESOURCES = 20;
    /** Bounds per client: requests and time, whatever happens to the server. */
    private static final int MAX_REQUESTS_PER_CLIENT = 5_000;
    private static final Duration MAX_CLIENT_TIME = Duration.ofSeconds(40);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void everyAcknowledgedDispatchIsCommittedWhenTheApiServerIsKilled(ConnectionMode mode) throws Exception {
        long rowsBefore = env.tasks().all().size(); // the class's earlier tests share the database
        ApiServerProcess api = env.startApiServer(mode, Map.of());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger otherAnswers = new AtomicInteger();
        List<String> unexpected = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch firstAck = new CountDownLatch(10);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                long deadline = System.nanoTime() + MAX_CLIENT_TIME.toNanos();
                for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && !stop.get() && System.nanoTime() < deadline; i++) {
                    HttpRequest request = HttpRequest.newBuilder(api.uri("/api/v1/tasks"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(mode, client, i))).build();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() / 100 == 2) {
                            acknowledged.add(UUID.fromString(Json.parse(response.body()).path("id").asText()));
                            firstAck.countDown();
                        } else {
                            otherAnswers.incrementAndGet();
                            synchronized (unexpected) {
                                unexpected.add(response.statusCode() + " " + response.body());
                            }
                        }
                    } catch (IOException e) {
                        // the server is gone (or going): this request's fate is unknown, which is allowed
                        if (!api.alive()) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        assertThat(firstAck.await(60, TimeUnit.SECONDS)).as("the api-server acknowledges dispatches").isTrue();
        Thread.sleep(ThreadLocalRandom.current().nextLong(1_000, 2_000));
        api.kill();
        assertThat(api.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
        stop.set(true);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30));
            assertThat(client.isAlive()).as("%s finished", client.getName()).isFalse();
        }
        long rows = env.tasks().all().size() - rowsBefore;
        System.out.printf("[api-kill] %s: %d dispatches acknowledged before kill -9, %d rows, %d other answers%n",
                mode, acknowledged.size(), rows, otherAnswers.get());
        assertThat(unexpected).as("answers other than 2xx before the kill").isEmpty();

        // acknowledged ⇒ committed (TaskReader.get fails naming any id without a row)
        List<TaskRecord> acked = env.tasks().get(acknowledged);
        assertThat(acked).hasSize(acknowledged.size());
        assertThat(rows).isGreaterThanOrEqualTo(acknowledged.size());

        env.startWorkers(1, WorkerSpec.of(mode).concurrency(2));
        env.awaitAllFinal(Duration.ofSeconds(90));
        assertThat(env.tasks().get(acknowledged)).allSatisfy(task ->
                assertThat(task.state()).as("task %s", task.id()).isEqualTo(TaskState.COMPLETED));
        env.assertInvariants();
        assertThat(env.tasks().leftoverReservations()).isZero();
    }

    private static String body(ConnectionMode mode, int client, int i) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String resource = "\"repository:" + mode.name() + "-" + random.nextInt(RESOURCES) + "\"";
        boolean shared = random.nextInt(4) == 0;
        return "{\"name\":\"brigade.echo\",\"args\":{\"value\":\"" + client + "-" + i + "\"},"
                + (shared ? "\"shared_resources\":[" : "\"exclusive_resources\":[") + resource + "]}";
    }
}
