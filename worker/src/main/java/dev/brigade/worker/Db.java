package dev.brigade.worker;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** The worker's threads block on database calls; every wait is bounded so a dead link cannot hang a thread. */
public final class Db {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Db.class);

    private Db() {
    }

    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static <T> T await(Uni<T> uni, Duration timeout) {
        return uni.await().atMost(timeout);
    }

    /**
     * For the writes that must land (a task's outcome): retried with a growing pause while the
     * database is away. The process never waits longer than its heartbeat allows: a worker that
     * cannot heartbeat halts, and then the janitor of another worker finishes its tasks.
     */
    public static <T> T awaitUntilDone(String what, java.util.function.Supplier<Uni<T>> attempt) {
        Duration pause = Duration.ofMillis(200);
        boolean interrupted = Thread.interrupted(); // a pending interrupt would fail every attempt
        try {
            while (true) {
                try {
                    return await(attempt.get());
                } catch (RuntimeException e) {
                    interrupted |= Thread.interrupted();
                    LOG.warnf("%s failed (%s); retrying in %s", what, e.getMessage(), pause);
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException again) {
                        interrupted = true;
                    }
                    pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
