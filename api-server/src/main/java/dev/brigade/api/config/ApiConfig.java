package dev.brigade.api.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The api-server's own settings (prefix {@code brigade.api}); shared ones are core's BrigadeConfig. */
@ConfigMapping(prefix = "brigade.api")
public interface ApiConfig {

    /** Page size of a list when the request names no {@code limit}. */
    @WithDefault("100")
    int defaultListLimit();

    /** The largest {@code limit} a list accepts; more is a 400, so one request stays cheap. */
    @WithDefault("1000")
    int maxListLimit();

    /**
     * A body over quarkus.http.limits.max-body-size but under this size is read and discarded so
     * the client gets a clean 413; a bigger one gets the 413 with the connection closed.
     */
    @WithDefault("64M")
    MemorySize oversizedBodyDrainCap();

    ImmediateTasks immediateTasks();

    Presence presence();

    /** Immediate tasks, run inside the dispatch request when nothing earlier conflicts. */
    interface ImmediateTasks {
        /** How long an immediate task may run before it is stopped and recorded failed. */
        @WithDefault("5S")
        Duration timeLimit();

        /** Sends every deferrable immediate task to the workers instead of running it here. */
        @WithDefault("false")
        boolean deferToWorkers();
    }

    /** This process's app_status row (type api): it holds immediate tasks while they run. */
    interface Presence {
        /** After this long without a heartbeat the process counts as missing and its tasks are freed. */
        @WithDefault("30S")
        Duration ttl();
    }
}
