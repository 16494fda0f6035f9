package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a dispatch (POST /api/v1/tasks, and each task of a bulk); a {@code null} field is
 * left out, so the API's default applies (args {}, deferred true, domain "default", ...).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskDispatch(
        String name,
        JsonNode args,
        List<String> exclusiveResources,
        List<String> sharedResources,
        Boolean immediate,
        Boolean deferred,
        UUID taskGroup,
        String domain,
        Map<String, String> versions) {

    /** A task of that handler with these args and the defaults for the rest. */
    public static TaskDispatch of(String name, JsonNode args) {
        return new TaskDispatch(name, args, null, null, null, null, null, null, null);
    }

    public TaskDispatch withResources(List<String> exclusive, List<String> shared) {
        return new TaskDispatch(name, args, exclusive, shared, immediate, deferred, taskGroup, domain, versions);
    }

    public TaskDispatch withImmediate(boolean immediate) {
        return new TaskDispatch(name, args, exclusiveResources, sharedResources, immediate, deferred, taskGroup,
                domain, versions);
    }
}
