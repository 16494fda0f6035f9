package dev.brigade.worker.process;

import dev.brigade.core.handler.HandlerSource;
import dev.brigade.core.handler.TaskHandler;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The process handlers configured under {@code brigade.process-handlers}, checked at start-up: a
 * bad one (no command, a working directory that is not one, a negative grace, the name of a
 * built-in or application handler) stops the worker before it registers, naming the setting.
 * {@code TaskHandlers} takes them in beside the handler beans, so they are claimed, run and
 * advertised like the others.
 */
@Startup
@ApplicationScoped
public class ProcessHandlers implements HandlerSource {
    static final String KIND = "process handler (brigade.process-handlers)";

    private final List<TaskHandler> handlers;

    @Inject
    public ProcessHandlers(ProcessHandlersConfig config, @All List<TaskHandler> beans, ChildProcesses children) {
        this(config.handlers(), beans, children);
    }

    public ProcessHandlers(Map<String, ProcessHandlersConfig.ProcessHandlerSettings> configured, List<TaskHandler> beans,
                           ChildProcesses children) {
        List<TaskHandler> built = new ArrayList<>();
        configured.forEach((name, settings) -> {
            String key = "brigade.process-handlers.\"" + name + "\"";
            if (name.isBlank()) {
                throw new IllegalStateException("a process handler needs a name: " + key);
            }
            if (beans.stream().anyMatch(bean -> bean.name().equals(name))) {
                throw new IllegalStateException(KIND + " '" + name
                        + "' has the name of a built-in or application handler; give it another name");
            }
            if (settings.command().isEmpty() || settings.command().getFirst().isBlank()) {
                throw new IllegalStateException(key + ".command is empty: give the program to run and its arguments");
            }
            settings.workingDirectory().ifPresent(dir -> {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalStateException(key + ".working-directory " + dir + " is not a directory");
                }
            });
            if (settings.cancelGrace().isNegative()) {
                throw new IllegalStateException(key + ".cancel-grace must not be negative");
            }
            built.add(new ProcessHandler(name, settings, children));
        });
        this.handlers = List.copyOf(built);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<TaskHandler> handlers() {
        return handlers;
    }
}
