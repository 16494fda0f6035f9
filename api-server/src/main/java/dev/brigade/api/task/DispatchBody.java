package dev.brigade.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.task.DispatchRequest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The body of POST /api/v1/tasks; absent fields take the contract's defaults. */
public record DispatchBody(
        String name,
        JsonNode args,
        List<String> exclusiveResources,
        List<String> sharedResources,
        Boolean immediate,
        Boolean deferred,
        UUID taskGroup,
        String domain,
        Map<String, String> versions) {

    DispatchRequest toRequest(String correlationId) {
        return new DispatchRequest(name, args == null || args.isNull() ? null : args, exclusiveResources,
                sharedResources, immediate != null && immediate, deferred == null || deferred, taskGroup, domain,
                versions, null, correlationId);
    }
}
