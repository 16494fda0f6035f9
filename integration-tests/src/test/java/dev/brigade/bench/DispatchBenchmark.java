package dev.brigade.bench;

import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.BrigadeEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dispatch: tasks per second accepted by POST /api/v1/tasks of the packaged api-server, with 1
 * and 8 concurrent clients (no worker running: the figure is the API and the dispatch
 * transaction alone). Every answer must be a 202.
 */
class DispatchBenchmark {
    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final int requests = Integer.getInteger("bench.requests", 2000);
    private final int runs = Integer.getInteger("bench.runs", 3);

    @Test
    void dispatch() throws Exception {
        ApiServerProcess api = ENV.startApiServer();
        URI tasks = URI.create("http://127.0.0.1:" + api.port() + "/api/v1/tasks");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        send(http, tasks, 200); // warm-up: JIT and pools
        BenchReport.line("| clients | dispatch rate (tasks/s) |");
        BenchReport.line("| --- | --- |");
        for (int clients : new int[] {1, 8}) {
            List<Double> rates = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        futures.add(pool.submit(() -> send(http, tasks, requests / clients)));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                }
                rates.add(requests / ((System.nanoTime() - start) / 1e9));
            }
            BenchReport.line(String.format("| %d | %s |", clients, Stats.of(rates).format("/s")));
        }
    }

    private static Void send(HttpClient http, URI tasks, int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(tasks).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"brigade.echo\",\"args\":{\"value\":1}}")).build();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
        return null;
    }
}
