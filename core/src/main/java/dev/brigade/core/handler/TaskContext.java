package dev.brigade.core.handler;

import dev.brigade.core.task.DispatchRequest;

import java.time.Duration;
import java.util.UUID;

/** What a running handler may ask of the process that runs it. Every method may block. */
public interface TaskContext {

    UUID taskId();

    /** The {@code pid@host} name of the process running the task. */
    String processName();

    /** True once someone asked to cancel this task. */
    boolean cancelRequested();

    /** Sleeps, waking early and throwing when the task is canceled. */
    default void sleep(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (true) {
            if (cancelRequested()) {
                throw new InterruptedException("task canceled");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
        }
    }

    /** Creates or updates the progress report {@code code} of this task. */
    void progress(String code, String message, Integer total, int done);

    /** Dispatches a child task: its parent is this task and it inherits the logging cid. */
    UUID dispatchChild(DispatchRequest request);
}
