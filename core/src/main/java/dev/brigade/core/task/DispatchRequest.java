package dev.brigade.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a caller asks to dispatch. Validation happens in the dispatcher, so every entry point
 * (REST, a handler dispatching children, a schedule) gets the same rules.
 */
public record DispatchRequest(
        String name,
        JsonNode args,
        List<String> exclusiveResources,
        List<String> sharedResources,
        boolean immediate,
        boolean deferred,
        UUID taskGroup,
        String domain,
        Map<String, String> versions,
        UUID parentTask,
        String loggingCid) {

    public static final String DEFAULT_DOMAIN = "default";

    public DispatchRequest {
        args = args == null ? JsonNodeFactory.instance.objectNode() : args;
        exclusiveResources = exclusiveResources == null ? List.of() : exclusiveResources;
        sharedResources = sharedResources == null ? List.of() : sharedResources;
        domain = domain == null ? DEFAULT_DOMAIN : domain;
    }

    /** A deferred, non-immediate task with no resources: the common case in code and tests. */
    public static DispatchRequest of(String name, JsonNode args) {
        return new DispatchRequest(name, args, List.of(), List.of(), false, true, null, null, null, null, null);
    }

    public DispatchRequest withResources(List<String> exclusive, List<String> shared) {
        return new DispatchRequest(name, args, exclusive, shared, immediate, deferred, taskGroup, domain, versions,
                parentTask, loggingCid);
    }

    public DispatchRequest withParent(UUID parent, String cid) {
        return new DispatchRequest(name, args, exclusiveResources, sharedResources, immediate, deferred, taskGroup,
                domain, versions, parent, cid);
    }
}
