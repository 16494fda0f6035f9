package dev.brigade.core.task;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Which tasks a listing wants. Every field is optional (null means "any"); the fields combine
 * with AND. Bounds on times are inclusive. Built by the API from its query parameters.
 */
public record TaskFilter(
        List<TaskState> states,
        List<TaskState> statesIn,
        String name,
        String nameContains,
        String worker,
        String reservedResource,
        String exclusiveResource,
        String sharedResource,
        UUID taskGroup,
        UUID parentTask,
        String domain,
        OffsetDateTime createdFrom,
        OffsetDateTime createdTo,
        OffsetDateTime startedFrom,
        OffsetDateTime startedTo,
        OffsetDateTime finishedFrom,
        OffsetDateTime finishedTo) {

    /** No condition at all: every task. */
    public static TaskFilter any() {
        return new Builder().build();
    }

    /** Fills a filter one field at a time, so call sites name what they set. */
    public static final class Builder {
        private List<TaskState> states;
        private List<TaskState> statesIn;
        private String name;
        private String nameContains;
        private String worker;
        private String reservedResource;
        private String exclusiveResource;
        private String sharedResource;
        private UUID taskGroup;
        private UUID parentTask;
        private String domain;
        private OffsetDateTime createdFrom;
        private OffsetDateTime createdTo;
        private OffsetDateTime startedFrom;
        private OffsetDateTime startedTo;
        private OffsetDateTime finishedFrom;
        private OffsetDateTime finishedTo;

        public Builder state(TaskState value) {
            states = value == null ? null : List.of(value);
            return this;
        }

        public Builder statesIn(List<TaskState> value) {
            statesIn = value == null ? null : List.copyOf(value);
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder nameContains(String value) {
            nameContains = value;
            return this;
        }

        public Builder worker(String value) {
            worker = value;
            return this;
        }

        public Builder reservedResource(String value) {
            reservedResource = value;
            return this;
        }

        public Builder exclusiveResource(String value) {
            exclusiveResource = value;
            return this;
        }

        public Builder sharedResource(String value) {
            sharedResource = value;
            return this;
        }

        public Builder taskGroup(UUID value) {
            taskGroup = value;
            return this;
        }

        public Builder parentTask(UUID value) {
            parentTask = value;
            return this;
        }

        public Builder domain(String value) {
            domain = value;
            return this;
        }

        public Builder createdBetween(OffsetDateTime from, OffsetDateTime to) {
            createdFrom = from;
            createdTo = to;
            return this;
        }

        public Builder startedBetween(OffsetDateTime from, OffsetDateTime to) {
            startedFrom = from;
            startedTo = to;
            return this;
        }

        public Builder finishedBetween(OffsetDateTime from, OffsetDateTime to) {
            finishedFrom = from;
            finishedTo = to;
            return this;
        }

        public TaskFilter build() {
            return new TaskFilter(states, statesIn, name, nameContains, worker, reservedResource, exclusiveResource,
                    sharedResource, taskGroup, parentTask, domain, createdFrom, createdTo, startedFrom, startedTo,
                    finishedFrom, finishedTo);
        }
    }
}
