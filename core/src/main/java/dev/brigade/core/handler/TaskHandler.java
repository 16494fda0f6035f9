package dev.brigade.core.handler;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Optional;

/**
 * A kind of task. Implementations are CDI beans; the registry ({@link TaskHandlers}) finds them by
 * {@link #name()}. {@link #run} is called on its own thread and may block; it should return
 * promptly once {@link TaskContext#cancelRequested()} turns true (or the thread is interrupted).
 */
public interface TaskHandler {

    /** The name tasks are dispatched with, e.g. {@code brigade.echo}. */
    String name();

    /** Whether the api-server may run it inside the dispatch request (short and non-blocking). */
    default boolean mayRunImmediately() {
        return false;
    }

    /** Diagnostic handlers exist only when {@code brigade.diagnostic-handlers.enabled} is true. */
    default boolean diagnostic() {
        return false;
    }

    /**
     * How long this handler may take to stop once its stop flag is raised (a cancel, a time
     * limit), when it knows better than the worker's {@code brigade.worker.cancel-grace}: a process
     * handler, which stops its child itself, says its own grace plus the kill. Past it the worker
     * escalates (it stops the whole process). Empty: the worker's cancel grace.
     */
    default Optional<Duration> stopWithin() {
        return Optional.empty();
    }

    /**
     * Runs the task. The returned value becomes the task's result (null allowed). Throw
     * {@link TaskFailure} for an expected failure with a clean description; any other exception
     * fails the task too, with its message and trace. Throw {@link InterruptedException} (or
     * return) when canceled.
     */
    JsonNode run(JsonNode args, TaskContext context) throws Exception;
}
