package dev.brigade.bench;

import dev.brigade.core.db.TaskSql;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.BrigadeEnvironment;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dispatch: tasks per second accepted by the packaged api-server (no worker running: the figure
 * is the API and the dispatch statement alone), one task per POST /api/v1/tasks with 1 and 8
 * concurrent clients, and 1,000 tasks per POST /api/v1/tasks/bulk. Every answer must be a 202.
 * Beside each rate, from pg_stat_statements over its runs: the statements the api-server sent per
 * task, and the mean time of one dispatch statement (TaskSql.DISPATCH) in the database; these
 * two hold still on a loaded machine where the rates do not.
 */
class DispatchBenchmark {
    private static final String TASK = "{\"name\":\"brigade.echo\",\"args\":{\"value\":1}}";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final int requests = Integer.getInteger("bench.requests", 2000);
    private final int runs = Integer.getInteger("bench.runs", 3);
    private final int[] clients = Arrays.stream(System.getProperty("bench.clients", "1,8").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    private final int bulkSize = Integer.getInteger("bench.bulk-size", 1000);
    private final int bulkCalls = Integer.getInteger("bench.bulk-calls", 20);

    @Test
    void dispatch() throws Exception {
        Pool db = ENV.pool();
        db.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
        ApiServerProcess api = ENV.startApiServer();
        URI tasks = URI.create("http://127.0.0.1:" + api.port() + "/api/v1/tasks");
        URI bulk = URI.create(tasks + "/bulk");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest one = post(tasks, TASK);
        HttpRequest many = post(bulk, "{\"tasks\":[" + String.join(",", Collections.nCopies(bulkSize, TASK)) + "]}");
        send(http, one, 200); // warm-up: JIT and pools
        if (bulkCalls > 0) {
            send(http, many, 5);
        }
        BenchReport.line("| request | clients | dispatch rate (tasks/s) | statements per task | dispatch statement (ms, mean) |");
        BenchReport.line("| --- | --- | --- | --- | --- |");
        for (int n : clients) {
            resetStatements(db);
            List<Double> rates = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                rates.add(rate(http, one, n, requests / n, 1));
            }
            BenchReport.line(String.format("| POST /api/v1/tasks | %d | %s | %s |", n, Stats.of(rates).format("/s"),
                    statements(db, (long) runs * (requests / n) * n)));
        }
        if (bulkCalls == 0) {
            return; // -Dbench.bulk-calls=0: single dispatch only (an api-server without the bulk endpoint)
        }
        resetStatements(db);
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            rates.add(rate(http, many, 1, bulkCalls, bulkSize));
        }
        BenchReport.line(String.format("| POST /api/v1/tasks/bulk, %d tasks per call, %d calls | 1 | %s | %s |",
                bulkSize, bulkCalls, Stats.of(rates).format("/s"), statements(db, (long) runs * bulkCalls * bulkSize)));
    }

    private static void resetStatements(Pool db) {
        db.query("SELECT pg_stat_statements_reset()").execute().await().atMost(WAIT);
    }

    /** Statements per task since the reset (the harness's own left out), and the dispatch statement's mean time. */
    private static String statements(Pool db, long tasks) {
        Row row = db.preparedQuery("""
                        SELECT coalesce(sum(calls) FILTER (WHERE query NOT ILIKE '%pg_stat%'), 0)::float8 AS calls,
                               coalesce(sum(total_exec_time) FILTER (WHERE query = $1)
                                        / nullif(sum(calls) FILTER (WHERE query = $1), 0), 0) AS dispatch_ms
                        FROM pg_stat_statements
                        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())""")
                .execute(Tuple.of(TaskSql.DISPATCH)).await().atMost(WAIT).iterator().next();
        return String.format(Locale.ROOT, "%.3f | %.2f", row.getDouble("calls") / tasks, row.getDouble("dispatch_ms"));
    }

    /** Tasks per second: {@code clients} threads each sending {@code calls} requests of {@code perCall} tasks. */
    private static double rate(HttpClient http, HttpRequest request, int clients, int calls, int perCall) throws Exception {
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> send(http, request, calls)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return (double) clients * calls * perCall / ((System.nanoTime() - start) / 1e9);
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Void send(HttpClient http, HttpRequest request, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
        return null;
    }
}
