package dev.brigade.core.handler;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads handler arguments, failing the task with a description that names the bad argument. */
public final class Args {
    private Args() {
    }

    public static double nonNegativeNumber(JsonNode args, String field) throws TaskFailure {
        JsonNode value = args.get(field);
        if (value == null || !value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
            throw new TaskFailure("args." + field + " must be a number of at least 0");
        }
        return value.asDouble();
    }

    public static int nonNegativeInt(JsonNode args, String field) throws TaskFailure {
        JsonNode value = args.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new TaskFailure("args." + field + " must be a whole number of at least 0");
        }
        return value.asInt();
    }

    public static String string(JsonNode args, String field) throws TaskFailure {
        JsonNode value = args.get(field);
        if (value == null || !value.isTextual()) {
            throw new TaskFailure("args." + field + " must be a string");
        }
        return value.asText();
    }
}
