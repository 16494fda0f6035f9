package dev.brigade.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The worker's settings (prefix {@code brigade.worker}); every default is the documented one. */
@ConfigMapping(prefix = "brigade.worker")
public interface WorkerConfig {

    /** Tasks run at once by this process (Pulp runs one per process). */
    @WithDefault("1")
    int concurrency();

    /**
     * The most tasks claimed beyond the free handler slots, queued on this worker so that a busy
     * worker's next task needs no round trip of its own. The queue is sized by the handler times
     * this worker has seen: only as many as its slots would start within prefetch-wait (none
     * until a task has run, none behind long tasks). 0 turns it off.
     */
    @WithDefault("100")
    int prefetch();

    /**
     * How long a locally queued task may wait for a handler slot; past it, the task is given back
     * (waiting, unclaimed, its start undone) for any worker to take, and this worker queues
     * nothing more for twice as long.
     */
    @WithDefault("1S")
    Duration prefetchWait();

    /** A process whose heartbeat is older than this is missing; heartbeats go every ttl/3. */
    @WithDefault("30S")
    Duration ttl();

    /** How long a canceled handler may take to stop cooperatively before the worker escalates. */
    @WithDefault("5S")
    Duration cancelGrace();

    /**
     * After the first SIGTERM/SIGINT, how long running tasks may take to finish before they are
     * aborted. Empty: no limit. Kubernetes deployments set it a little below
     * terminationGracePeriodSeconds.
     */
    Optional<Duration> shutdownGrace();

    /** Auxiliary workers only claim and run: no unblocking, no janitor duties. */
    @WithDefault("false")
    boolean auxiliary();

    /** Burst mode: drain the queue, then exit. */
    @WithDefault("false")
    boolean burst();

    /**
     * With signals mode listen or relay: how often the loop wakes without a signal. It sends
     * nothing then: lost signals, releases, cancels and claim replies are found by the heartbeat,
     * which asks what is due for the worker in the same statement (every ttl/3).
     */
    @WithDefault("10S")
    Duration safetyPoll();

    /**
     * With signals mode poll (and relay while the relay is away): the interval of the first poll
     * after work; each poll is one statement asking what is due.
     */
    @WithDefault("1S")
    Duration pollInterval();

    /**
     * The longest interval between polls of an idle worker: each poll that finds nothing doubles
     * the interval up to this, and work brings it back to poll-interval. The heartbeat (every
     * ttl/3) asks what is due as well, so an idle worker also wakes for work within ttl/3.
     */
    @WithDefault("20S")
    Duration pollMaxInterval();

    /** Released resources consumed per unblock statement. */
    @WithDefault("1000")
    int unblockBatch();

    /** How often the janitor duties may run, fleet-wide (missing-process reaping among them). */
    @WithDefault("5S")
    Duration janitorInterval();
}
