package dev.brigade.worker.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.Json;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A task handler that runs a configured command per task (docs/process-handlers.md): the task's
 * args as JSON on stdin, its result as JSON on stdout, progress lines and log on stderr.
 *
 * <p>It runs on the task's virtual thread like any handler, and holds no platform thread of its
 * own while the child runs: the pipes are read only as far as they have bytes (their
 * {@code available()} never blocks) between timed waits for the child's exit, which unmount the
 * virtual thread. (The JDK itself keeps one small reaper thread per live child, to collect its
 * exit status.) A stop flag (a cancel, the time limit) sends SIGTERM to the child and its
 * descendants, then SIGKILL after the grace; the handler returns only once the child is gone.
 */
final class ProcessHandler implements TaskHandler {
    /** stdout beyond this fails the task (the child is killed): as much as a task's args may be. */
    static final int MAX_STDOUT_BYTES = 1024 * 1024;
    /** After SIGKILL, how long the worker waits for the child before it escalates (stops itself). */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final long MAX_IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Logger LOG = Logger.getLogger(ProcessHandler.class);
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT",
            9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    private final String name;
    private final List<String> command;
    private final Optional<Path> workingDirectory;
    private final Map<String, String> environment;
    private final Duration cancelGrace;
    private final boolean mayRunImmediately;
    private final ChildProcesses children;

    ProcessHandler(String name, ProcessHandlersConfig.ProcessHandlerSettings settings, ChildProcesses children) {
        this.name = name;
        this.command = List.copyOf(settings.command());
        this.workingDirectory = settings.workingDirectory();
        this.environment = Map.copyOf(settings.environment());
        this.cancelGrace = settings.cancelGrace();
        this.mayRunImmediately = settings.mayRunImmediately();
        this.children = children;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean mayRunImmediately() {
        return mayRunImmediately;
    }

    @Override
    public Optional<Duration> stopWithin() {
        return Optional.of(cancelGrace.plus(KILL_WAIT));
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        ChildProcess child = new ChildProcess(start(context));
        children.add(child);
        try {
            return supervise(child, args, context);
        } finally {
            children.remove(child);
        }
    }

    private Process start(TaskContext context) throws TaskFailure {
        ProcessBuilder builder = new ProcessBuilder(command);
        workingDirectory.ifPresent(dir -> builder.directory(dir.toFile()));
        Map<String, String> env = builder.environment();
        // the worker's own settings (database URLs, secrets) are not the child's business
        env.keySet().removeIf(key -> key.startsWith("BRIGADE_") || key.startsWith("QUARKUS_"));
        env.put("BRIGADE_TASK_ID", context.taskId().toString());
        env.put("BRIGADE_TASK_NAME", name);
        env.putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new TaskFailure("process handler " + name + " could not start " + command.getFirst() + ": " + e.getMessage());
        }
    }

    private JsonNode supervise(ChildProcess child, JsonNode args, TaskContext context) throws Exception {
        Process process = child.process();
        writeStdin(process, args);
        InputStream stdout = process.getInputStream();
        InputStream stderrStream = process.getErrorStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChildStderr stderr = new ChildStderr(name);
        byte[] buffer = new byte[64 * 1024];
        long terminatedAt = 0;
        boolean terminated = false;
        boolean killed = false;
        boolean tooLarge = false;
        long wait = TimeUnit.MILLISECONDS.toNanos(1);
        try {
            while (true) {
                boolean exited;
                try {
                    exited = process.waitFor(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    exited = false; // a cancel: the flag says so, and is read below
                }
                long moved = drainStdout(stdout, buffer, out, tooLarge);
                moved += drainStderr(stderrStream, buffer, stderr);
                report(stderr, context);
                if (!tooLarge && out.size() > MAX_STDOUT_BYTES) {
                    tooLarge = true;
                    out.reset();
                    child.kill();
                    killed = true;
                }
                if (exited) {
                    break;
                }
                if (context.cancelRequested() && !terminated) {
                    LOG.infof("process handler %s: stopping child %d (SIGTERM)", name, child.pid());
                    child.terminate();
                    terminated = true;
                    terminatedAt = System.nanoTime();
                }
                if (terminated && !killed && System.nanoTime() - terminatedAt >= cancelGrace.toNanos()) {
                    LOG.warnf("process handler %s: child %d still runs %s after SIGTERM; SIGKILL", name, child.pid(), cancelGrace);
                    child.kill();
                    killed = true;
                }
                // data flowing: read again soon (a full pipe stalls the child); idle: back off to 50 ms
                wait = moved > 0 ? TimeUnit.MILLISECONDS.toNanos(1) : Math.min(wait * 2, MAX_IDLE_WAIT_NANOS);
            }
            stderr.close();
            report(stderr, context);
        } finally {
            closeQuietly(stdout);
            closeQuietly(stderrStream);
        }
        int exit = process.exitValue();
        if (tooLarge) {
            throw new ProcessFailure("process handler " + name + " wrote more than " + MAX_STDOUT_BYTES
                    + " bytes on stdout (the most a result may be); it was killed", exit, stderr.tail());
        }
        if (terminated) {
            throw new InterruptedException("process handler " + name + " stopped: exit status " + exit);
        }
        if (exit != 0) {
            throw new ProcessFailure("process handler " + name + " " + describeExit(exit), exit, stderr.tail());
        }
        return result(out.toByteArray(), stderr.tail());
    }

    /** The args go in on a virtual thread of their own: a child that reads stdin late must not stall the reads. */
    private void writeStdin(Process process, JsonNode args) {
        byte[] bytes = Json.write(args == null ? JsonNodeFactory.instance.objectNode() : args).getBytes(StandardCharsets.UTF_8);
        OutputStream stdin = process.getOutputStream();
        Thread.ofVirtual().name("brigade-process-stdin-" + process.pid()).start(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException e) {
                // the child exited (or closed stdin) without reading all of it: its exit tells the rest
                LOG.debugf("process handler %s: stdin not fully written: %s", name, e.getMessage());
            }
        });
    }

    private static long drainStdout(InputStream in, byte[] buffer, ByteArrayOutputStream out, boolean discard) throws IOException {
        long moved = 0;
        int available;
        while ((available = available(in)) > 0) {
            int n = in.read(buffer, 0, Math.min(available, buffer.length));
            if (n < 0) {
                break;
            }
            if (!discard && out.size() <= MAX_STDOUT_BYTES) {
                out.write(buffer, 0, n);
            }
            moved += n;
            if (out.size() > MAX_STDOUT_BYTES) {
                break;
            }
        }
        return moved;
    }

    private static long drainStderr(InputStream in, byte[] buffer, ChildStderr stderr) throws IOException {
        long moved = 0;
        int available;
        while ((available = available(in)) > 0 && moved < 4L * buffer.length) {
            int n = in.read(buffer, 0, Math.min(available, buffer.length));
            if (n < 0) {
                break;
            }
            stderr.accept(buffer, n);
            moved += n;
        }
        return moved;
    }

    /** Never blocks (FIONREAD on the pipe); a stream the JDK closed after the exit has nothing more. */
    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Progress goes through the task's context; a failed write costs the update, not the task. */
    private void report(ChildStderr stderr, TaskContext context) {
        for (ChildStderr.Progress p : stderr.takeProgress()) {
            try {
                context.progress(p.code(), p.message(), p.total(), p.done());
            } catch (RuntimeException e) {
                LOG.warnf("process handler %s: progress %s not recorded: %s", name, p.code(), e.getMessage());
            }
        }
    }

    private JsonNode result(byte[] stdout, String stderrTail) throws ProcessFailure {
        if (new String(stdout, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return STRICT.readTree(stdout);
        } catch (JsonProcessingException e) {
            // the text itself is not repeated: a result may hold what a task must not show in its error
            var at = e.getLocation();
            throw new ProcessFailure("process handler " + name + " exited 0 but its stdout (" + stdout.length
                    + " bytes) is not one JSON value" + (at == null ? "" : " (at line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ")"), 0, stderrTail);
        } catch (IOException e) {
            throw new ProcessFailure("process handler " + name + " exited 0 but its stdout could not be read as JSON", 0, stderrTail);
        }
    }

    /** The JDK reports a death by signal n as 128 + n. */
    static String describeExit(int exit) {
        if (exit > 128 && exit < 128 + 65) {
            int signal = exit - 128;
            return "exited with code " + exit + " (128 + " + signal + ": killed by signal " + signal
                    + Optional.ofNullable(SIGNALS.get(signal)).map(s -> ", " + s).orElse("") + ")";
        }
        return "exited with code " + exit;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to read from it
        }
    }

    /** A failure with the child's exit code and stderr tail: the error's description says both. */
    static final class ProcessFailure extends TaskFailure {
        ProcessFailure(String what, int exitCode, String stderrTail) {
            super(what + (stderrTail.isEmpty() ? "; its stderr was empty" : "; its stderr ends:\n" + stderrTail),
                    JsonNodeFactory.instance.objectNode().put("exit_code", exitCode));
        }
    }
}
