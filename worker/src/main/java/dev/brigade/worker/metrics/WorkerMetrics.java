package dev.brigade.worker.metrics;

import dev.brigade.core.task.TaskState;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.execute.HeldTasks;
import dev.brigade.worker.heartbeat.HeartbeatWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's Prometheus metrics (/q/metrics on the management port): tasks finished by name and
 * state, run time, claim and unblock durations, signals received, heartbeat age, busy slots, and
 * the queue figures one janitor computes for the whole fleet.
 */
@ApplicationScoped
public class WorkerMetrics {
    private final MeterRegistry registry;
    private final AtomicReference<QueueFigures> queue = new AtomicReference<>(new QueueFigures(0, 0, 0, 0));
    private final Timer claim;
    private final Timer unblock;

    public WorkerMetrics(MeterRegistry registry, HeldTasks held, HeartbeatWriter heartbeat, WorkerConfig config) {
        this.registry = registry;
        this.claim = Timer.builder("brigade.claim.duration").description("one claim statement").register(registry);
        this.unblock = Timer.builder("brigade.unblock.duration").description("one unblock pass").register(registry);
        Gauge.builder("brigade.worker.busy.slots", held, HeldTasks::inHandler)
                .description("tasks running in this worker").register(registry);
        Gauge.builder("brigade.worker.slots", config, WorkerConfig::concurrency)
                .description("tasks this worker may run at once").register(registry);
        Gauge.builder("brigade.worker.heartbeat.age.seconds", heartbeat, h -> h.sinceLastSuccess().toMillis() / 1000.0)
                .description("time since the last successful heartbeat").register(registry);
        Gauge.builder("brigade.queue.waiting", queue, q -> q.get().waiting()).register(registry);
        Gauge.builder("brigade.queue.unblocked.unclaimed", queue, q -> q.get().unblockedUnclaimed())
                .description("tasks free to run that no worker has taken").register(registry);
        Gauge.builder("brigade.queue.running", queue, q -> q.get().running()).register(registry);
        Gauge.builder("brigade.queue.oldest.unclaimed.age.seconds", queue, q -> q.get().oldestUnclaimedAgeSeconds())
                .description("age of the oldest unblocked, unclaimed task: the stall signal").register(registry);
    }

    public void taskFinished(String name, TaskState state) {
        Counter.builder("brigade.tasks.finished").tag("name", name).tag("state", state.dbName())
                .register(registry).increment();
    }

    public void handlerRan(String name, Duration runTime) {
        Timer.builder("brigade.task.run.duration").tag("name", name).register(registry).record(runTime);
    }

    public void signalReceived(String channel) {
        Counter.builder("brigade.signals.received").tag("channel", channel).register(registry).increment();
    }

    public Timer claimTimer() {
        return claim;
    }

    public Timer unblockTimer() {
        return unblock;
    }

    public void queue(QueueFigures figures) {
        queue.set(figures);
    }
}
