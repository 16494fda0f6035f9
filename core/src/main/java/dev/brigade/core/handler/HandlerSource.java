package dev.brigade.core.handler;

import java.util.List;

/**
 * Handlers a program builds from its own configuration at start, beside the handler beans: a
 * worker's process handlers. {@link TaskHandlers} takes them in with the beans, so they are run,
 * claimed by name and advertised like any other handler. A name may not be a bean's.
 */
public interface HandlerSource {

    /** What these handlers are, for a start-up error: e.g. {@code process handler (brigade.process-handlers)}. */
    String kind();

    List<TaskHandler> handlers();
}
