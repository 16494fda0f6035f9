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
        POLL,
        /**
         * No session at all: signals come from the api-server's relay (BRIGADE_RELAY_URL,
         * BRIGADE_RELAY_SECRET), which wakes only as many workers as there is work; polls while
         * the relay is unreachable. For large fleets behind a pooler.
         */
        RELAY
    }

    @WithDefault("listen")
    Mode mode();
}
