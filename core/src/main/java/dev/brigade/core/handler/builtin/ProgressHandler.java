package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.Args;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

import java.time.Duration;

/** brigade.progress: advances a progress report one step at a time up to {@code total}. */
@Singleton
public class ProgressHandler implements TaskHandler {
    static final String CODE = "brigade.progress";

    @Override
    public String name() {
        return "brigade.progress";
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        int total = Args.nonNegativeInt(args, "total");
        double step = args.has("step_seconds") ? Args.nonNegativeNumber(args, "step_seconds") : 0;
        context.progress(CODE, "Advancing", total, 0);
        for (int done = 1; done <= total; done++) {
            context.sleep(Duration.ofNanos((long) (step * 1_000_000_000L)));
            context.progress(CODE, "Advancing", total, done);
        }
        return null;
    }
}
