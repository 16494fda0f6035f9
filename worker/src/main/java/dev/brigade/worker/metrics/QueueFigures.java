package dev.brigade.worker.metrics;

/** The queue as one janitor saw it (TaskSql.QUEUE_FIGURES), shared with every worker by signal. */
public record QueueFigures(long waiting, long unblockedUnclaimed, long running, double oldestUnclaimedAgeSeconds) {
}
