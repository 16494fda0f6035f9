package dev.brigade.it.fault;

import dev.brigade.core.db.Json;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few thousand malformed and hostile requests against the real api-server process: each is
 * answered with a 4xx (the code API.md names where it names one), never a 5xx and never a dropped
 * connection; none writes a row; SQL-looking strings that are valid input are stored verbatim and
 * harm nothing; the server then still serves a valid dispatch. In every connection mode (through
 * PgBouncer in the pgbouncer modes).
 */
@Timeout(150)
class BadInputIT {
    private static final String SQL = "'; DROP TABLE task; --";
    private static final int REPEAT = 80;
    private static final int HUGE_REPEAT = 3;
    private static final int CLIENTS = 4;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    private record Case(String label, int expected, int repeat, Supplier<HttpRequest.Builder> request) {
    }

    private ApiServerProcess api;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void badInputIsRejectedWithoutWritingAndTheServerCarriesOn(ConnectionMode mode) throws Exception {
        api = env.startApiServer(mode, Map.of());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        long before = taskRows();
        List<Case> cases = badCases();

        List<Case> work = new ArrayList<>();
        cases.forEach(c -> IntStream.range(0, c.repeat()).forEach(i -> work.add(c)));
        Collections.shuffle(work);
        Map<String, Map<String, Integer>> outcomes = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> done = new ArrayList<>();
            for (Case c : work) {
                done.add(pool.submit(() -> {
                    String outcome;
                    try {
                        HttpResponse<String> response = http.send(c.request().get().timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        outcome = Integer.toString(response.statusCode());
                        if (response.statusCode() >= 400 && response.statusCode() != 405
                                && !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                            outcome += " (not problem+json: " + response.headers().firstValue("Content-Type").orElse("none") + ")";
                        }
                    } catch (IOException e) {
                        outcome = "dropped: " + e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        outcome = "interrupted";
                    }
                    outcomes.computeIfAbsent(c.label(), k -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        System.out.printf("[bad-input] %s: %d requests of %d kinds in %.1f s%n", mode, work.size(), cases.size(),
                (System.nanoTime() - started) / 1e9);
        Map<String, String> wrong = new TreeMap<>();
        for (Case c : cases) {
            Map<String, Integer> seen = outcomes.get(c.label());
            if (seen == null || seen.size() != 1 || !seen.containsKey(Integer.toString(c.expected()))) {
                wrong.put(c.label(), "expected " + c.expected() + ", got " + seen);
            }
        }
        assertThat(wrong).as("cases answered otherwise than expected").isEmpty();
        assertThat(api.alive()).isTrue();
        assertThat(taskRows()).as("rows written by rejected requests").isEqualTo(before);

        // Valid input that looks hostile is stored verbatim and harms nothing. The class's tests
        // share a database: the hostile resource is this mode's own (after the SQL comment marker).
        String hostile = SQL + " " + mode.name();
        List<String> odd = List.of(hostile, "ünïcødé ☃ 𝄞 中文 " + mode.name(), "repository:\"quoted\"\\back-" + mode.name());
        HttpResponse<String> accepted = http.send(json("POST", "/api/v1/tasks", Json.write(Map.of(
                "name", "brigade.echo", "exclusive_resources", odd, "args", Map.of("value", SQL)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = Json.parse(accepted.body()).path("id").asText();
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(api.uri("/api/v1/tasks/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        List<String> stored = new ArrayList<>();
        Json.parse(read.body()).path("exclusive_resources").forEach(n -> stored.add(n.asText()));
        assertThat(stored).containsExactlyElementsOf(odd);
        assertThat(listCount(http, "reserved_resources=" + enc(hostile))).isEqualTo(1);
        assertThat(listCount(http, "name=" + enc(SQL))).isZero();
        assertThat(listCount(http, "name__contains=" + enc("%' OR '1'='1"))).isZero();
        assertThat(listCount(http, "domain=" + enc(SQL + " ☃"))).isZero();

        // The server still serves an ordinary dispatch.
        HttpResponse<String> plain = http.send(json("POST", "/api/v1/tasks",
                "{\"name\":\"brigade.echo\",\"args\":{\"value\":1},\"exclusive_resources\":[\"repository:1-" + mode.name() + "\"]}").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(202);
        assertThat(taskRows()).isEqualTo(before + 2);
        assertThat(api.ready()).isTrue();
    }

    private int listCount(HttpClient http, String query) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.uri("/api/v1/tasks?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", query, response.body()).isEqualTo(200);
        return Json.parse(response.body()).path("count").asInt(-1);
    }

    private long taskRows() {
        return env.pool().query("SELECT count(*) FROM task").execute().await().atMost(Duration.ofSeconds(30))
                .iterator().next().getLong(0);
    }

    private List<Case> badCases() {
        List<Case> cases = new ArrayList<>();
        // malformed JSON and wrong shapes: 400
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("truncated object", "{");
        bodies.put("truncated field", "{\"name\": \"brigade.echo\",");
        bodies.put("not json", "not json at all");
        bodies.put("empty body", "");
        bodies.put("null", "null");
        bodies.put("array", "[]");
        bodies.put("string", "\"brigade.echo\"");
        bodies.put("name not a string", "{\"name\": 42}");
        bodies.put("no name", "{\"args\": {}}");
        bodies.put("args an array", "{\"name\":\"brigade.echo\",\"args\":[1,2]}");
        bodies.put("unknown field", "{\"name\":\"brigade.echo\",\"exclusive_resource\":[\"a\"]}");
        bodies.put("sql as handler name", "{\"name\":" + Json.write(SQL) + "}");
        bodies.put("unicode handler name", "{\"name\":\"brigade.échö ☃ 🚀\"}");
        bodies.put("sql resource with shared: prefix", "{\"name\":\"brigade.echo\",\"exclusive_resources\":[\"shared:"
                + SQL.replace("'", "\\u0027") + "\"]}");
        bodies.put("sql resource with NUL", "{\"name\":\"brigade.echo\",\"exclusive_resources\":[\"x\\u0000" + SQL + "\"]}");
        bodies.put("resource with BEL", "{\"name\":\"brigade.echo\",\"shared_resources\":[\"\\u0007bell\"]}");
        bodies.put("resource with newline", "{\"name\":\"brigade.echo\",\"shared_resources\":[\"a\\n" + SQL + "\"]}");
        bodies.put("empty resource", "{\"name\":\"brigade.echo\",\"exclusive_resources\":[\"\"]}");
        bodies.put("257-char resource", "{\"name\":\"brigade.echo\",\"exclusive_resources\":[" + Json.write("x".repeat(257)) + "]}");
        bodies.put("10k resources", "{\"name\":\"brigade.echo\",\"exclusive_resources\":["
                + IntStream.range(0, 10_000).mapToObj(i -> "\"r" + i + "\"").collect(Collectors.joining(",")) + "]}");
        bodies.put("101 resources over both lists", "{\"name\":\"brigade.echo\",\"exclusive_resources\":["
                + IntStream.range(0, 51).mapToObj(i -> "\"e" + i + "\"").collect(Collectors.joining(","))
                + "],\"shared_resources\":["
                + IntStream.range(0, 50).mapToObj(i -> "\"s" + i + "\"").collect(Collectors.joining(",")) + "]}");
        bodies.put("neither immediate nor deferred", "{\"name\":\"brigade.echo\",\"immediate\":false,\"deferred\":false}");
        bodies.put("immediate purge", "{\"name\":\"brigade.purge\",\"immediate\":true}");
        bodies.put("sql task_group", "{\"name\":\"brigade.echo\",\"task_group\":" + Json.write(SQL) + "}");
        bodies.put("unknown task_group", "{\"name\":\"brigade.echo\",\"task_group\":\"" + UUID.randomUUID() + "\"}");
        bodies.put("versions a string", "{\"name\":\"brigade.echo\",\"versions\":\"x\"}");
        bodies.put("resources an object", "{\"name\":\"brigade.echo\",\"exclusive_resources\":{\"a\":1}}");
        bodies.put("deeply nested args", "{\"name\":\"brigade.echo\",\"args\":{\"v\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}}");
        bodies.forEach((label, body) -> cases.add(new Case("POST " + label, 400, REPEAT,
                () -> json("POST", "/api/v1/tasks", body))));
        cases.add(new Case("POST invalid UTF-8", 400, REPEAT, () -> HttpRequest.newBuilder(api.uri("/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8()))));

        // wrong content type: 415
        String valid = "{\"name\":\"brigade.echo\"}";
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
            cases.add(new Case("POST as " + type, 415, REPEAT, () -> HttpRequest.newBuilder(api.uri("/api/v1/tasks"))
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(valid))));
        }

        // too big: 413
        String bigArgs = "{\"name\":\"brigade.echo\",\"args\":{\"value\":" + Json.write("x".repeat(1_060_000)) + "}}";
        cases.add(new Case("POST args over 1 MiB", 413, HUGE_REPEAT, () -> json("POST", "/api/v1/tasks", bigArgs)));
        String hugeBody = "{\"name\":\"brigade.echo\",\"args\":{\"value\":" + Json.write("y".repeat(1_300_000)) + "}}";
        cases.add(new Case("POST body over the limit", 413, HUGE_REPEAT, () -> json("POST", "/api/v1/tasks", hugeBody)));
        String hugerBody = "{\"name\":\"brigade.echo\",\"args\":{\"value\":" + Json.write("z".repeat(3_000_000)) + "}}";
        cases.add(new Case("POST 3 MB body, expect 100-continue", 413, HUGE_REPEAT,
                () -> json("POST", "/api/v1/tasks", hugerBody).expectContinue(true)));

        // bad list filters and paging: 400
        Map<String, String> queries = new java.util.LinkedHashMap<>();
        queries.put("sql state", "state=" + enc(SQL));
        queries.put("sql in state__in", "state__in=waiting," + enc(SQL));
        queries.put("sql limit", "limit=" + enc("1; DROP TABLE task"));
        queries.put("limit over 1000", "limit=1001");
        queries.put("limit 0", "limit=0");
        queries.put("negative offset", "offset=-1");
        queries.put("offset not a number", "offset=abc");
        queries.put("sql time", "created_at__gte=" + enc(SQL));
        queries.put("impossible time", "finished_at__lte=2026-13-45T99:00:00Z");
        queries.put("unicode time", "started_at__gte=" + enc("２０２６-01-01T00:00:00Z"));
        queries.forEach((label, query) -> cases.add(new Case("GET list " + label, 400, REPEAT,
                () -> HttpRequest.newBuilder(api.uri("/api/v1/tasks?" + query)).GET())));

        // bad and unknown ids: 404
        for (String id : List.of("not-a-uuid", enc(SQL), UUID.randomUUID().toString(),
                "12345678-1234-1234-1234-1234567890123", enc("☃"))) {
            cases.add(new Case("GET task " + id, 404, REPEAT, () -> HttpRequest.newBuilder(api.uri("/api/v1/tasks/" + id)).GET()));
            cases.add(new Case("PATCH task " + id, 404, REPEAT,
                    () -> json("PATCH", "/api/v1/tasks/" + id, "{\"state\":\"canceled\"}")));
            cases.add(new Case("DELETE task " + id, 404, REPEAT,
                    () -> HttpRequest.newBuilder(api.uri("/api/v1/tasks/" + id)).DELETE()));
        }
        cases.add(new Case("GET task group sql id", 404, REPEAT,
                () -> HttpRequest.newBuilder(api.uri("/api/v1/task-groups/" + enc(SQL))).GET()));

        // unsupported methods: 405
        cases.add(new Case("PUT tasks", 405, REPEAT, () -> json("PUT", "/api/v1/tasks", valid)));
        cases.add(new Case("POST status", 405, REPEAT, () -> json("POST", "/api/v1/status", valid)));
        return cases;
    }

    private HttpRequest.Builder json(String method, String path, String body) {
        return HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private static byte[] invalidUtf8() {
        byte[] head = "{\"name\":\"brigade.echo\",\"exclusive_resources\":[\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"]}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28};
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        return all;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
