package dev.brigade.it.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/** A task to dispatch: handler name, args, and the resources it holds exclusively and shared. */
public record TaskSpec(String name, JsonNode args, List<String> exclusive, List<String> shared) {

    public TaskSpec {
        exclusive = List.copyOf(exclusive);
        shared = List.copyOf(shared);
    }

    public static TaskSpec sleep(double seconds) {
        return new TaskSpec("brigade.sleep", JsonNodeFactory.instance.objectNode().put("seconds", seconds), List.of(), List.of());
    }

    public static TaskSpec stubborn(double seconds) {
        return new TaskSpec("brigade.stubborn", JsonNodeFactory.instance.objectNode().put("seconds", seconds), List.of(), List.of());
    }

    public static TaskSpec echo(int value) {
        return new TaskSpec("brigade.echo", JsonNodeFactory.instance.objectNode().put("value", value), List.of(), List.of());
    }

    public TaskSpec exclusive(String... resources) {
        return new TaskSpec(name, args, List.of(resources), shared);
    }

    public TaskSpec shared(String... resources) {
        return new TaskSpec(name, args, exclusive, List.of(resources));
    }

    public TaskSpec resources(List<String> exclusiveResources, List<String> sharedResources) {
        return new TaskSpec(name, args, exclusiveResources, sharedResources);
    }
}
