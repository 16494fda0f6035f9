package dev.brigade.core.handler;

/** An expected failure of a handler: the message becomes the error's description, without a trace. */
public class TaskFailure extends Exception {
    public TaskFailure(String description) {
        super(description);
    }
}
