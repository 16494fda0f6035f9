package dev.brigade.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.handler.TaskFailure;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The error bodies recorded on a task: always a description; the type and a trace only for an
 * unexpected exception (a TaskFailure is an expected one, its message is the whole story).
 */
public final class TaskErrors {
    private TaskErrors() {
    }

    public static JsonNode description(String description) {
        return JsonNodeFactory.instance.objectNode().put("description", description);
    }

    /** The error of a task whose worker vanished while it ran. */
    public static JsonNode missingWorker(String workerName) {
        return description("worker " + (workerName == null ? "(unknown)" : workerName) + " has gone missing");
    }

    public static JsonNode of(Throwable failure) {
        if (failure instanceof TaskFailure expected) {
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("description", failure.getMessage());
            if (expected.details() != null) {
                expected.details().properties().forEach(field -> {
                    if (!field.getKey().equals("description")) {
                        error.set(field.getKey(), field.getValue());
                    }
                });
            }
            return error;
        }
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("description", failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage());
        error.put("type", failure.getClass().getName());
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        error.put("traceback", trace.toString());
        return error;
    }
}
