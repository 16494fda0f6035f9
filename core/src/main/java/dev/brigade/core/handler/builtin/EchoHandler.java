package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

/** brigade.echo: completes with its {@code value} argument as the result. */
@Singleton
public class EchoHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.echo";
    }

    @Override
    public boolean mayRunImmediately() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) {
        return args.get("value");
    }
}
