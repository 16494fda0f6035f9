package dev.brigade.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Diagnostic handlers (brigade.stubborn, brigade.crash, brigade.record) exist only when
 * {@code brigade.diagnostic-handlers.enabled} is true at run time: for test suites, never by default.
 * Each program maps its own settings under {@code brigade.} (worker, signals, api, ...).
 */
@ConfigMapping(prefix = "brigade.diagnostic-handlers")
public interface DiagnosticHandlersConfig {

    @WithDefault("false")
    boolean enabled();

    /**
     * The file brigade.record appends its handler start and end lines to (one file per process):
     * what a test suite checks "run at most once" against. Unset: brigade.record fails its tasks.
     */
    Optional<Path> runLog();
}
