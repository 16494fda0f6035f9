package dev.brigade.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings both programs share (prefix {@code brigade}); each program adds its own group. */
@ConfigMapping(prefix = "brigade")
public interface BrigadeConfig {

    DiagnosticHandlers diagnosticHandlers();

    interface DiagnosticHandlers {
        /** Registers brigade.stubborn and brigade.crash; for test suites only, never by default. */
        @WithDefault("false")
        boolean enabled();
    }
}
