package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

/** brigade.fail: fails with its {@code message} argument as the error's description. */
@Singleton
public class FailHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.fail";
    }

    @Override
    public boolean mayRunImmediately() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws TaskFailure {
        JsonNode message = args.get("message");
        throw new TaskFailure(message == null || message.isNull() ? "brigade.fail was asked to fail" : message.asText());
    }
}
