package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.Args;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

import java.time.Duration;

/** brigade.sleep: sleeps {@code seconds}, stopping promptly when canceled. */
@Singleton
public class SleepHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.sleep";
    }

    @Override
    public boolean mayRunImmediately() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        double seconds = Args.nonNegativeNumber(args, "seconds");
        context.sleep(Duration.ofNanos((long) (seconds * 1_000_000_000L)));
        return null;
    }
}
