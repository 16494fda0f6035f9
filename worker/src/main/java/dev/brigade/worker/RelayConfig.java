package dev.brigade.worker;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Where signals mode relay finds the relay (prefix {@code brigade.relay}; the same settings as the api-server's). */
@ConfigMapping(prefix = "brigade.relay")
public interface RelayConfig {

    /**
     * BRIGADE_RELAY_URL: the api-server's base URL (e.g. {@code http://brigade-api:8080}), or a
     * comma-separated list of them for several replicas; required in signals mode relay.
     */
    Optional<List<String>> url();

    /** BRIGADE_RELAY_SECRET: presented to the relay, which refuses a subscriber without it. */
    Optional<String> secret();
}
