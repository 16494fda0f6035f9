package dev.brigade.it.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;
import java.util.Map;

/**
 * A task to dispatch: handler name, args, the resources it holds exclusively and shared, and the
 * component versions a worker needs to run it (null: the dispatching program's, as in core).
 */
public record TaskSpec(String name, JsonNode args, List<String> exclusive, List<String> shared,
                       Map<String, String> versions) {

    public TaskSpec {
        exclusive = List.copyOf(exclusive);
        shared = List.copyOf(shared);
        versions = versions == null ? null : Map.copyOf(versions);
    }

    public TaskSpec(String name, JsonNode args, List<String> exclusive, List<String> shared) {
        this(name, args, exclusive, shared, null);
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

    /** brigade.record: its handler's start and end go to the worker's run log, checked with the invariants. */
    public static TaskSpec recorded(int milliseconds) {
        return new TaskSpec("brigade.record", JsonNodeFactory.instance.objectNode().put("ms", milliseconds), List.of(), List.of());
    }

    public TaskSpec exclusive(String... resources) {
        return new TaskSpec(name, args, List.of(resources), shared, versions);
    }

    public TaskSpec shared(String... resources) {
        return new TaskSpec(name, args, exclusive, List.of(resources), versions);
    }

    public TaskSpec resources(List<String> exclusiveResources, List<String> sharedResources) {
        return new TaskSpec(name, args, exclusiveResources, sharedResources, versions);
    }

    /** The minimum component versions a worker must have to run it, e.g. {"brigade": "99.0"}. */
    public TaskSpec versions(Map<String, String> minimum) {
        return new TaskSpec(name, args, exclusive, shared, minimum);
    }
}
