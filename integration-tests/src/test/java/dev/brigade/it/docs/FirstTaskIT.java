package dev.brigade.it.docs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.Json;
import dev.brigade.it.deploy.RepositoryFiles;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.Programs;
import dev.brigade.it.env.WorkerSpec;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/first-task.md, followed as a newcomer would: the files it shows are written out of the
 * page into a new project outside the build, which is built with Brigade's Maven wrapper against
 * the installed worker artifact; its worker runs beside the stock api-server (not rebuilt, without
 * the project's code), and the dispatch the page shows completes with the result the page shows.
 */
@Timeout(600)
class FirstTaskIT {
    private static final Path PAGE = RepositoryFiles.path("docs/first-task.md");
    /** "File `my-worker/pom.xml`:", a blank line, then the fenced block of its content. */
    private static final Pattern FILE = Pattern.compile("File `([^`]+)`:\\n\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern DISPATCH = Pattern.compile("-d '(\\{\"name\":\"acme\\.greet\".*?\\})'");
    private static final Pattern OUTCOME = Pattern.compile("```json\\n(\\{\"name\": \"acme\\.greet\".*?\\})\\n```", Pattern.DOTALL);
    private static final Pattern TYPO = Pattern.compile("typo in the args \\(`(\\{.*?\\})`\\).*?fails with `(.*?)`", Pattern.DOTALL);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(6);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void aNewProjectMadeFromThePageRunsItsTaskBesideTheStockApiServer() throws Exception {
        String page = Files.readString(PAGE);
        Path projects = Files.createDirectories(Programs.workRoot().resolve("first-task-" + UUID.randomUUID()));
        Map<String, String> files = filesOf(page);
        assertThat(files).as("the files the page shows").containsKeys(
                "my-worker/pom.xml", "my-worker/src/main/java/org/acme/GreetHandler.java");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = projects.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue() + "\n");
        }

        Path project = projects.resolve("my-worker");
        build(project);
        Path workerJar = project.resolve("target/quarkus-app/quarkus-run.jar");
        assertThat(workerJar).as("the page's build makes the worker jar the page runs").isRegularFile();

        ApiServerProcess api = env.startApiServer(ConnectionMode.DIRECT, Map.of());
        env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT).program(workerJar));

        JsonNode greet = StreamSupport.stream(get(api, "/api/v1/handlers").get("results").spliterator(), false)
                .filter(h -> h.get("name").asText().equals("acme.greet")).findFirst().orElseThrow();
        assertThat(greet.get("runs_in_api_server").asBoolean()).as("the stock api-server has none of its code").isFalse();
        assertThat(greet.get("workers")).hasSize(1);

        JsonNode done = dispatchAndAwait(api, match(DISPATCH, page).group(1));
        JsonNode shown = Json.parse(match(OUTCOME, page).group(1));
        assertThat(done.get("state")).isEqualTo(shown.get("state"));
        assertThat(done.get("result")).isEqualTo(shown.get("result"));
        JsonNode report = done.get("progress_reports").get(0);
        JsonNode shownReport = shown.get("progress_reports").get(0);
        for (String field : List.of("code", "message", "total", "done")) {
            assertThat(report.get(field)).as("progress_reports[0].%s", field).isEqualTo(shownReport.get(field));
        }

        Matcher typo = match(TYPO, page);
        JsonNode failed = dispatchAndAwait(api, Json.write(Map.of("name", "acme.greet", "args", Json.parse(typo.group(1)))));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("error").get("description").asText()).isEqualTo(typo.group(2).replaceAll("\\s+", " "));
    }

    /** The page's files, by path, in the order shown. */
    private static Map<String, String> filesOf(String page) {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = FILE.matcher(page);
        while (m.find()) {
            files.put(m.group(1), m.group(2));
        }
        return files;
    }

    /**
     * The page's build command, with Brigade's wrapper, against the local repository this build
     * installed Brigade's artifacts into (the page's step 1).
     */
    private static void build(Path project) throws IOException, InterruptedException {
        Path log = env.testLogs().resolve("my-worker-build.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder maven = new ProcessBuilder(RepositoryFiles.path("mvnw").toString(), "-B", "-q",
                "-Dmaven.repo.local=" + System.getProperty("brigade.it.maven-repo",
                        Path.of(System.getProperty("user.home"), ".m2", "repository").toString()),
                "package")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        maven.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        Process process = maven.start();
        boolean ended = process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended && process.exitValue() == 0)
                .as("the project builds as the page says (is Brigade installed? ./mvnw install); log %s:%n%s",
                        log, Files.readString(log))
                .isTrue();
    }

    private static JsonNode dispatchAndAwait(ApiServerProcess api, String body) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(api.uri("/api/v1/tasks"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String id = Json.parse(answer.body()).get("id").asText();
        return Await.until("task " + id + " finishes", Duration.ofSeconds(60), () -> get(api, "/api/v1/tasks/" + id),
                t -> List.of("completed", "failed", "canceled").contains(t.get("state").asText()));
    }

    private static JsonNode get(ApiServerProcess api, String path) {
        try {
            return Json.parse(HTTP.send(HttpRequest.newBuilder(api.uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Matcher match(Pattern pattern, String page) {
        Matcher m = pattern.matcher(page);
        assertThat(m.find()).as("docs/first-task.md shows %s", pattern).isTrue();
        return m;
    }
}
