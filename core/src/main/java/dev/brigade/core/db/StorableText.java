package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * PostgreSQL stores no NUL character (U+0000) in text, nor in jsonb (a key or a string value):
 * it refuses the statement with 22P05 or 22021, after the request has got that far. Validation
 * asks here first, so such input is refused as a field the caller got wrong and nothing is sent.
 */
public final class StorableText {
    public static final String NUL_RULE = "must not contain the NUL character (\\u0000), which PostgreSQL cannot store";

    private StorableText() {
    }

    public static boolean hasNul(String text) {
        return text != null && text.indexOf('\0') >= 0;
    }

    /** Whether any key or string value anywhere in this JSON holds a NUL (walked without recursion). */
    public static boolean hasNul(JsonNode json) {
        if (json == null) {
            return false;
        }
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(json);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isTextual()) {
                if (hasNul(node.textValue())) {
                    return true;
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (hasNul(field.getKey())) {
                        return true;
                    }
                    pending.push(field.getValue());
                }
            } else if (node.isArray()) {
                node.forEach(pending::push);
            }
        }
        return false;
    }

    /** Whether any key or value of this map holds a NUL. */
    public static boolean hasNul(Map<String, String> map) {
        return map != null && map.entrySet().stream().anyMatch(e -> hasNul(e.getKey()) || hasNul(e.getValue()));
    }
}
