package dev.brigade.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.core.error.InvalidRequestException;

/**
 * The only change a PATCH of a task or a task group takes is {@code {"state": "canceled"}}. Read
 * here rather than by the framework so that the id is checked first (unknown id 404 before bad
 * body 400).
 */
public final class CancelBody {
    private CancelBody() {
    }

    public static void check(String body, ObjectMapper mapper) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("body", "is not valid JSON");
        }
        boolean cancel = node != null && node.isObject() && node.size() == 1
                && node.path("state").isTextual() && "canceled".equals(node.get("state").asText());
        if (!cancel) {
            throw new InvalidRequestException("state", "the only change it takes is {\"state\": \"canceled\"}");
        }
    }
}
