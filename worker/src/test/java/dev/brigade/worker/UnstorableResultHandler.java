package dev.brigade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

/** A test handler whose result PostgreSQL cannot store (jsonb refuses \u0000). */
@Singleton
public class UnstorableResultHandler implements TaskHandler {
    static final String NAME = "test.unstorable-result";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) {
        return TextNode.valueOf("nul \u0000 inside");
    }
}
