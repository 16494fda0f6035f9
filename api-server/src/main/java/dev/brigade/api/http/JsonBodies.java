package dev.brigade.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.core.error.InvalidRequestException;

import java.util.Set;

/**
 * Bodies read by hand, after the id of the path was found (so that an unknown id is a 404 whatever
 * the body): a JSON object holding only known fields.
 */
public final class JsonBodies {
    private JsonBodies() {
    }

    public static JsonNode object(String body, ObjectMapper mapper, Set<String> fields) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            // The location only: the parser's message quotes the input.
            throw new InvalidRequestException("body", "is not valid JSON (malformed)" + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object");
        }
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!fields.contains(name)) {
                throw new InvalidRequestException(name, "is not a known field");
            }
        }
        return node;
    }
}
