package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.handler.Args;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.task.DispatchRequest;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** brigade.spawn: dispatches {@code count} children of task {@code name} and completes with their ids. */
@Singleton
public class SpawnHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.spawn";
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws TaskFailure {
        int count = Args.nonNegativeInt(args, "count");
        String name = Args.string(args, "name");
        JsonNode childArgs = args.has("args") ? args.get("args") : JsonNodeFactory.instance.objectNode();
        DispatchRequest child = DispatchRequest.of(name, childArgs)
                .withResources(strings(args, "exclusive_resources"), strings(args, "shared_resources"));
        var ids = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < count; i++) {
            if (context.cancelRequested()) {
                break;
            }
            ids.add(context.dispatchChild(child).toString());
        }
        return ids;
    }

    private static List<String> strings(JsonNode args, String field) throws TaskFailure {
        JsonNode value = args.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new TaskFailure("args." + field + " must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new TaskFailure("args." + field + " must be a list of strings");
            }
            result.add(item.asText());
        }
        return result;
    }
}
