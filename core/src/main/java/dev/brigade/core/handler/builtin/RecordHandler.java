package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.config.DiagnosticHandlersConfig;
import dev.brigade.core.handler.Args;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Diagnostic brigade.record: writes {@code start <task id> <epoch µs> <process>} to the run log
 * ({@code brigade.diagnostic-handlers.run-log}), sleeps {@code ms} (optional, default 0) and writes
 * {@code end <task id> <epoch µs>} when the handler returns or is canceled. A killed process leaves a
 * start without an end. These are the handler-side times a test suite checks the task rows against:
 * every task started at most once, and inside the [started_at, finished_at] its row records.
 */
@Singleton
public class RecordHandler implements TaskHandler {
    private final Path runLog;
    private FileOutputStream out;

    public RecordHandler(DiagnosticHandlersConfig config) {
        this.runLog = config.runLog().orElse(null);
    }

    @Override
    public String name() {
        return "brigade.record";
    }

    @Override
    public boolean diagnostic() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        if (runLog == null) {
            throw new TaskFailure("brigade.record needs brigade.diagnostic-handlers.run-log");
        }
        long ms = args.has("ms") ? Args.nonNegativeInt(args, "ms") : 0;
        write("start " + context.taskId() + " " + epochMicros() + " " + context.processName());
        try {
            context.sleep(Duration.ofMillis(ms));
        } finally {
            write("end " + context.taskId() + " " + epochMicros());
        }
        return null;
    }

    private static long epochMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /**
     * One write per line, appended: lines of concurrent tasks never interleave, and what was
     * written survives a kill -9 of the process (it is in the kernel's page cache; no fsync, the
     * machine is not what the tests take down). A stream, not a FileChannel: a cancel interrupts
     * the handler's thread, and an interrupt closes a FileChannel for every task.
     */
    private synchronized void write(String line) throws IOException {
        if (out == null) {
            out = new FileOutputStream(runLog.toFile(), true);
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
