package dev.brigade.worker.process;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Process handlers (prefix {@code brigade.process-handlers}): a command this worker runs once per
 * task of that name, args as JSON on stdin, result as JSON on stdout (docs/process-handlers.md).
 * Only the operator configures them; nothing from a task ever reaches the command line.
 * {@code brigade.process-handlers."repo.sync".command=/usr/bin/python3,/opt/handlers/sync.py}.
 */
@ConfigMapping(prefix = "brigade.process-handlers")
public interface ProcessHandlersConfig {

    /** By task name (quote a name with dots in a property key). */
    @WithParentName
    Map<String, ProcessHandlerSettings> handlers();

    interface ProcessHandlerSettings {
        /** The program and its arguments, run as they are: no shell, no expansion. */
        List<String> command();

        /** The child's working directory. Empty: the worker's. */
        Optional<Path> workingDirectory();

        /**
         * Variables set for the child, over what it inherits: the worker's environment without the
         * worker's own settings (BRIGADE_*, QUARKUS_*: database URLs and secrets stay with it),
         * plus BRIGADE_TASK_ID, BRIGADE_TASK_NAME and BRIGADE_LOGGING_CID.
         */
        Map<String, String> environment();

        /** After a cancel or the time limit: how long the child has between SIGTERM and SIGKILL. */
        @WithDefault("5S")
        Duration cancelGrace();

        /**
         * Whether a task of it may be immediate (advertised; a worker then runs it under the
         * immediate time limit, brigade.immediate.timeout).
         */
        @WithDefault("false")
        boolean mayRunImmediately();
    }
}
