package dev.brigade.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Diagnostic handlers (brigade.stubborn, brigade.crash) exist only when
 * {@code brigade.diagnostic-handlers.enabled} is true at run time: for test suites, never by default.
 * Each program maps its own settings under {@code brigade.} (worker, signals, api, ...).
 */
@ConfigMapping(prefix = "brigade.diagnostic-handlers")
public interface DiagnosticHandlersConfig {

    @WithDefault("false")
    boolean enabled();
}
