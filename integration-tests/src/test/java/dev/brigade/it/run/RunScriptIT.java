package dev.brigade.it.run;

import dev.brigade.it.deploy.RepositoryFiles;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.FreePorts;
import dev.brigade.it.env.Programs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/run as a newcomer uses it, on free ports and a database folder of its own: its options,
 * its refusal of a taken port, a task run through it, and every stop path (SIGTERM, a double
 * SIGINT while a task runs, a killed api-server) ending every process it started, the embedded
 * PostgreSQL included, with the ports free again.
 */
@Timeout(240)
class RunScriptIT {
    private static final Duration READY = Duration.ofSeconds(150);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern TASK_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    /** Lean JVMs: two cores, shared. */
    private static final String JAVA_OPTS = "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final List<Run> runs = new ArrayList<>();
    private String testName;

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void killLeftovers() {
        runs.forEach(Run::killAll);
    }

    @Test
    void helpAndABadArgumentStartNothing() {
        Run help = start("--help");
        assertThat(help.awaitExit(STOP)).isZero();
        assertThat(help.output()).contains("Usage: bin/run", "--workers", "--api-port", "--worker-port", "--db-port");

        Run bad = start("--frobnicate");
        assertThat(bad.awaitExit(STOP)).isEqualTo(2);
        assertThat(bad.output()).contains("unknown argument '--frobnicate'", "bin/run --help");
        assertThat(bad.output()).doesNotContain("building", "Brigade is ready");
        assertThat(Files.exists(bad.dataDir)).as("no database was started").isFalse();

        Run badValue = start("--workers", "many");
        assertThat(badValue.awaitExit(STOP)).isEqualTo(2);
        assertThat(badValue.output()).contains("--workers needs a number");
    }

    @Test
    void aTakenPortIsRefusedByItsNumberAndNothingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run run = start("--api-port", Integer.toString(FreePorts.next()), "--worker-port", Integer.toString(port),
                    "--db-port", Integer.toString(FreePorts.next()));
            assertThat(run.awaitExit(STOP)).isNotZero();
            assertThat(run.output()).contains("port " + port + " is already in use", "worker-1's probe port", "nothing started");
            assertThat(Files.exists(run.dataDir)).as("no database was started").isFalse();
        }
    }

    @Test
    void aTaskRunsAndSigtermEndsEveryProcess() throws Exception {
        Run run = startOnFreePorts("--workers", "2");
        run.awaitReady();
        for (int port : List.of(run.workerPort, run.workerPort + 1)) {
            assertThat(get("http://localhost:" + port + "/q/health/ready").statusCode()).as("worker probe :" + port).isEqualTo(200);
        }
        String id = run.dispatch("{\"name\":\"brigade.echo\",\"args\":{\"value\":15}}");
        Await.until("task " + id + " completed", Duration.ofSeconds(30),
                () -> run.task(id), body -> body.contains("\"state\":\"completed\""));
        assertThat(run.output()).contains("[api] ", "[worker-1] ", "[worker-2] ");
        Path logs = RepositoryFiles.path("target/run-logs/latest");
        assertThat(logs.resolve("api-server.log")).exists();
        assertThat(logs.resolve("worker-2.log")).exists();

        List<ProcessHandle> started = run.startedProcesses();
        run.signal("TERM");
        assertThat(run.awaitExit(STOP)).as(run.output()).isZero();
        assertThat(run.output()).contains("SIGTERM received", "stopped everything");
        run.assertNothingLeft(started);
    }

    @Test
    void aDoubleSigintWhileATaskRunsAbortsItAndEndsEveryProcess() throws Exception {
        Run run = startOnFreePorts();
        run.awaitReady();
        String id = run.dispatch("{\"name\":\"brigade.sleep\",\"args\":{\"seconds\":120}}");
        Await.until("task " + id + " running", Duration.ofSeconds(30),
                () -> run.task(id), body -> body.contains("\"state\":\"running\""));
        List<ProcessHandle> started = run.startedProcesses();

        run.signal("INT");
        Await.until("the drain to begin", Duration.ofSeconds(20), () -> run.output().contains("waiting for 1 held task"));
        assertThat(run.process.isAlive()).as("the first SIGINT drains: the sleeping task holds the worker").isTrue();
        run.signal("INT");
        assertThat(run.awaitExit(STOP)).as(run.output()).isZero();
        assertThat(run.output()).contains("aborting the running tasks", "worker-1 stopped", "api-server stopped");
        run.assertNothingLeft(started);
    }

    @Test
    void aKilledApiServerStopsEverythingAndTheRunFailsWithTheReason() throws Exception {
        Run run = startOnFreePorts();
        run.awaitReady();
        List<ProcessHandle> started = run.startedProcesses();
        ProcessHandle api = started.stream()
                .filter(p -> p.info().commandLine().orElse("").contains("api-server/target/quarkus-app/quarkus-run.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("no api-server among " + describe(started)));
        api.destroyForcibly();

        assertThat(run.awaitExit(STOP)).as(run.output()).isNotZero();
        assertThat(run.output()).contains("api-server exited with status 137 (killed by SIGKILL); see target/run-logs/",
                "worker-1 stopped", "the embedded PostgreSQL (pid ", "outlived the api-server: stopping it");
        run.assertNothingLeft(started);
    }

    // ---------------------------------------------------------------------------------------------

    private Run startOnFreePorts(String... extra) {
        int api = FreePorts.next();
        int worker = FreePorts.next();
        int db = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("--api-port", Integer.toString(api), "--worker-port", Integer.toString(worker),
                "--db-port", Integer.toString(db)));
        args.addAll(List.of(extra));
        Run run = start(args.toArray(String[]::new));
        run.apiPort = api;
        run.workerPort = worker;
        run.dbPort = db;
        return run;
    }

    private Run start(String... args) {
        Path work = Programs.workRoot().resolve("run-script");
        Path logs = Programs.logsRoot().resolve(getClass().getSimpleName());
        try {
            Files.createDirectories(work);
            Files.createDirectories(logs);
            Path dataDir = work.resolve(testName + "-" + System.nanoTime());
            Path output = logs.resolve(testName + "-" + runs.size() + ".out");
            List<String> command = new ArrayList<>();
            command.add(RepositoryFiles.path("bin/run").toString());
            command.add("--no-build"); // the reactor packaged the jars; a build here would race it
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(RepositoryFiles.ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            Map<String, String> env = builder.environment();
            env.remove("BRIGADE_DB_URL");
            env.remove("BRIGADE_DB_DIRECT_URL");
            env.remove("BRIGADE_EMBEDDED_PORT");
            env.put("BRIGADE_EMBEDDED_DATA_DIR", dataDir.toString());
            env.put("BRIGADE_API_JAVA_OPTS", JAVA_OPTS);
            env.put("BRIGADE_WORKER_JAVA_OPTS", JAVA_OPTS);
            Run run = new Run(builder.start(), output, dataDir);
            runs.add(run);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList().toString();
    }

    /** One bin/run process, its output file and its database folder. */
    private static final class Run {
        final Process process;
        final Path outputFile;
        final Path dataDir;
        int apiPort;
        int workerPort;
        int dbPort;

        Run(Process process, Path outputFile, Path dataDir) {
            this.process = process;
            this.outputFile = outputFile;
            this.dataDir = dataDir;
        }

        String output() {
            try {
                return Files.readString(outputFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("bin/run did not exit within " + timeout + "; output:\n" + output());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void awaitReady() {
            Await.until("bin/run to say Brigade is ready", READY, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("bin/run exited (" + process.exitValue() + ") before ready:\n" + output());
                }
                return output().contains("Brigade is ready");
            });
        }

        void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
        }

        String dispatch(String body) throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + apiPort + "/api/v1/tasks"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            Matcher id = TASK_ID.matcher(response.body());
            assertThat(id.find()).as(response.body()).isTrue();
            return id.group(1);
        }

        String task(String id) {
            try {
                return get("http://localhost:" + apiPort + "/api/v1/tasks/" + id).body();
            } catch (IOException e) {
                return e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The embedded PostgreSQL's postmaster (it runs in a session of its own, not below bin/run). */
        Optional<ProcessHandle> postgres() {
            Path pid = dataDir.resolve("postmaster.pid");
            try {
                if (!Files.exists(pid)) {
                    return Optional.empty();
                }
                return ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).getFirst().trim()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** Everything bin/run started: its process tree (programs and their output prefixers) and the PostgreSQL. */
        List<ProcessHandle> startedProcesses() {
            List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
            assertThat(started.stream().filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")))
                    .as("the api-server and the workers among " + describe(started)).hasSizeGreaterThanOrEqualTo(2);
            ProcessHandle postgres = postgres().orElseThrow(() -> new AssertionError("no embedded PostgreSQL in " + dataDir));
            started.add(postgres);
            return started;
        }

        void assertNothingLeft(List<ProcessHandle> started) {
            Await.until("every process bin/run started to end", Duration.ofSeconds(10),
                    () -> started.stream().filter(ProcessHandle::isAlive).toList(), List::isEmpty);
            assertThat(process.descendants().toList()).isEmpty();
            for (int port : List.of(apiPort, workerPort, dbPort)) {
                assertThat(answers(port)).as("port " + port + " free again").isFalse();
            }
        }

        /** After a test: nothing of this run survives it, whatever the test found. */
        void killAll() {
            List<ProcessHandle> left = new ArrayList<>(process.descendants().toList());
            postgres().ifPresent(left::add);
            process.destroyForcibly();
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
