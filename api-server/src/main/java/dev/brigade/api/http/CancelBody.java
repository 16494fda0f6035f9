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
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("body", "must be the JSON object {\"state\": \"canceled\"}");
        }
        java.util.List<dev.brigade.core.error.FieldError> errors = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(field -> {
            if (!field.equals("state")) {
                errors.add(new dev.brigade.core.error.FieldError(field,
                        "cannot be changed: only state may be set, to \"canceled\""));
            }
        });
        boolean cancel = node.path("state").isTextual() && "canceled".equals(node.get("state").asText());
        if (!cancel && (errors.isEmpty() || node.has("state"))) {
            errors.add(new dev.brigade.core.error.FieldError("state",
                    "the only change it takes is {\"state\": \"canceled\"}"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
    }
}
