package dev.brigade.api.relay;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The signal relay (prefix {@code brigade.relay}; the workers of signals mode relay share these settings). */
@ConfigMapping(prefix = "brigade.relay")
public interface RelayConfig {

    /**
     * BRIGADE_RELAY_SECRET: set, this api-server is a relay (it holds a LISTEN session on the
     * direct URL and serves RelayProtocol.PATH to workers presenting this secret); unset, it is not.
     */
    Optional<String> secret();
}
