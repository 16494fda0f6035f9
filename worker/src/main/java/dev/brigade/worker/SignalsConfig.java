package dev.brigade.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How this process receives signals (prefix {@code brigade.signals}). */
@ConfigMapping(prefix = "brigade.signals")
public interface SignalsConfig {

    enum Mode {
        /** A LISTEN session on BRIGADE_DB_DIRECT_URL, plus a slow safety poll. */
        LISTEN,
        /** No session at all: poll every brigade.worker.poll-interval (for pooler-only sites). */
        POLL
    }

    @WithDefault("listen")
    Mode mode();
}
