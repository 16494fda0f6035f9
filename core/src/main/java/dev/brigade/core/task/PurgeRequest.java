package dev.brigade.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** What to purge: final tasks in these states finished before a time. Validated on both sides. */
public record PurgeRequest(OffsetDateTime finishedBefore, List<TaskState> states) {

    /**
     * Reads and checks the purge arguments; throws IllegalArgumentException naming the bad field.
     * Missing fields take the defaults of the API: now minus 30 days, completed only.
     */
    public static PurgeRequest fromArgs(JsonNode args) {
        JsonNode before = args == null ? null : args.get("finished_before");
        JsonNode olderThan = args == null ? null : args.get("older_than");
        OffsetDateTime finishedBefore;
        if (olderThan != null && !olderThan.isNull()) {
            // relative form, used by schedules (the built-in retention): purge up to now minus the age
            try {
                finishedBefore = OffsetDateTime.now().minus(java.time.Duration.parse(olderThan.asText()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("older_than must be an ISO-8601 duration such as P30D");
            }
        } else if (before == null || before.isNull()) {
            finishedBefore = OffsetDateTime.now().minusDays(30);
        } else {
            try {
                finishedBefore = OffsetDateTime.parse(before.asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("finished_before must be an ISO-8601 time with an offset");
            }
            if (!before.isTextual()) {
                throw new IllegalArgumentException("finished_before must be an ISO-8601 time with an offset");
            }
        }
        JsonNode statesNode = args == null ? null : args.get("states");
        List<TaskState> states = new ArrayList<>();
        if (statesNode == null || statesNode.isNull()) {
            states.add(TaskState.COMPLETED);
        } else {
            if (!statesNode.isArray() || statesNode.isEmpty()) {
                throw new IllegalArgumentException("states must be a non-empty list of final states");
            }
            for (JsonNode s : statesNode) {
                TaskState state = TaskState.parse(s.asText()).filter(x -> s.isTextual()).orElse(null);
                if (state == null || !state.isFinal()) {
                    throw new IllegalArgumentException("states may hold only final states "
                            + "(completed, failed, canceled, skipped), not " + s);
                }
                states.add(state);
            }
        }
        return new PurgeRequest(finishedBefore, List.copyOf(states));
    }

    public ObjectNode toArgs() {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("finished_before", finishedBefore.toString());
        var list = args.putArray("states");
        states.forEach(s -> list.add(s.dbName()));
        return args;
    }
}
