package dev.brigade.core.handler;

import dev.brigade.core.config.DiagnosticHandlersConfig;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The handlers this program knows, by name: the handler beans (diagnostic ones only when the
 * setting allows) and those its {@link HandlerSource}s build from configuration.
 */
@ApplicationScoped
public class TaskHandlers {
    private final Map<String, TaskHandler> byName = new TreeMap<>();

    @Inject
    public TaskHandlers(@All List<TaskHandler> handlers, @All List<HandlerSource> sources, DiagnosticHandlersConfig config) {
        this(handlers, sources, config.enabled());
    }

    /** The handler beans (diagnostic ones only when {@code diagnostics}) and the sources' handlers. */
    public TaskHandlers(List<TaskHandler> handlers, List<HandlerSource> sources, boolean diagnostics) {
        this(handlers, diagnostics);
        for (HandlerSource source : sources) {
            for (TaskHandler handler : source.handlers()) {
                // a bean's name is taken even while the bean is left out (a diagnostic one):
                // the name means the same whatever the settings
                if (handlers.stream().anyMatch(h -> h.name().equals(handler.name()))) {
                    throw new IllegalStateException(source.kind() + " '" + handler.name()
                            + "' has the name of a built-in or application handler; give it another name");
                }
                if (byName.putIfAbsent(handler.name(), handler) != null) {
                    throw new IllegalStateException("two task handlers are named " + handler.name());
                }
            }
        }
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
