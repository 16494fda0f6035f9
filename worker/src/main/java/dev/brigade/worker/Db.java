package dev.brigade.worker;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** The worker's threads block on database calls; every wait is bounded so a dead link cannot hang a thread. */
public final class Db {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Db() {
    }

    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static <T> T await(Uni<T> uni, Duration timeout) {
        return uni.await().atMost(timeout);
    }
}
