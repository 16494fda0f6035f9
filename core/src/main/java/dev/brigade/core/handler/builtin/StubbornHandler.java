package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.Args;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

/** Diagnostic brigade.stubborn: sleeps and ignores cooperative cancellation, so cancel must escalate. */
@Singleton
public class StubbornHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.stubborn";
    }

    @Override
    public boolean diagnostic() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        long deadline = System.nanoTime() + (long) (Args.nonNegativeNumber(args, "seconds") * 1_000_000_000L);
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                // stubborn on purpose: the worker must escalate
            }
        }
        return null;
    }
}
