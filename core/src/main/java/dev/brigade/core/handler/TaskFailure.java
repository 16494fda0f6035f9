package dev.brigade.core.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An expected failure of a handler: the message becomes the error's description, without a trace. */
public class TaskFailure extends Exception {
    private final transient ObjectNode details;

    public TaskFailure(String description) {
        this(description, null);
    }

    /** {@code details}: more fields of the error beside its description (e.g. a child's {@code exit_code}). */
    public TaskFailure(String description, ObjectNode details) {
        super(description);
        this.details = details == null ? null : details.deepCopy();
    }

    /** The error's fields beside its description, or null. */
    public ObjectNode details() {
        return details == null ? null : details.deepCopy();
    }
}
