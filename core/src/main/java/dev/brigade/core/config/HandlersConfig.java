package dev.brigade.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Which handler names a dispatch accepts beyond the program's own handlers and the names live
 * workers advertise (prefix {@code brigade.handlers}). Read by the api-server, and by a worker
 * for the tasks it dispatches itself (children, due schedules).
 */
@ConfigMapping(prefix = "brigade.handlers")
public interface HandlersConfig {

    /**
     * Names accepted even when no live worker advertises them, so that a fleet scaled to zero
     * still takes dispatches (the tasks wait for a worker that runs them). Such a name alone does
     * not allow {@code immediate}: only a handler's own code or a live worker can say it may.
     */
    Optional<Set<String>> known();

    /**
     * How long a dispatch trusts the advertised names it last read before it reads them again.
     * A name not among them is looked up at once, so a worker's names are accepted as soon as it
     * has registered; this only bounds how long a name of a worker that left is still accepted.
     */
    @WithDefault("10S")
    Duration advertisedTtl();
}
