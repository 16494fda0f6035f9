package dev.brigade.core.handler;

import dev.brigade.core.config.DiagnosticHandlersConfig;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The handlers this program knows, by name. Diagnostic ones only when the setting allows. */
@ApplicationScoped
public class TaskHandlers {
    private final Map<String, TaskHandler> byName = new TreeMap<>();

    @Inject
    public TaskHandlers(@All List<TaskHandler> handlers, DiagnosticHandlersConfig config) {
        this(handlers, config.enabled());
    }

    /** A registry of these handlers, the diagnostic ones only when {@code diagnostics}. */
    public TaskHandlers(List<TaskHandler> handlers, boolean diagnostics) {
        for (TaskHandler handler : handlers) {
            if (handler.diagnostic() && !diagnostics) {
                continue;
            }
            TaskHandler previous = byName.put(handler.name(), handler);
            if (previous != null) {
                throw new IllegalStateException("two task handlers are named " + handler.name());
            }
        }
    }

    public Optional<TaskHandler> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /** Every handler, by name. */
    public java.util.Collection<TaskHandler> all() {
        return byName.values();
    }
}
