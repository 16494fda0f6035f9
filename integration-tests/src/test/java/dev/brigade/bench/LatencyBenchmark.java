package dev.brigade.bench;

import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Latency from dispatch to the handler starting (started_at − created_at, both on the database
 * clock: the commit, the signal, the claim), p50 and p99: on an idle system (one worker asleep on
 * LISTEN, and one in poll mode) and under load (a stream of other tasks running meanwhile).
 */
class LatencyBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final int samples = Integer.getInteger("bench.samples", 200);

    @Test
    void latency() {
        BenchReport.line("| situation | p50 (ms) | p99 (ms) | samples |");
        BenchReport.line("| --- | --- | --- | --- |");
        var listen = ENV.startWorkers(2, WorkerSpec.of(ConnectionMode.DIRECT).concurrency(4));
        report("idle, signals listen", sample());
        report("under load, signals listen", underLoad());
        listen.forEach(w -> w.terminate());
        listen.forEach(w -> w.awaitExit(Duration.ofMinutes(1)));
        ENV.startWorkers(2, WorkerSpec.of(ConnectionMode.DIRECT).concurrency(4).with("brigade.signals.mode", "poll"));
        report("idle, signals poll (1 s interval)", sample());
        ENV.assertInvariants();
    }

    private List<Double> sample() {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            UUID id = ENV.dispatcher().dispatch(TaskSpec.echo(i));
            TaskRecord done = ENV.awaitFinal(id, WAIT);
            millis.add(Duration.between(done.createdAt(), done.startedAt()).toNanos() / 1e6);
        }
        return millis;
    }

    private List<Double> underLoad() {
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> {
            int i = 0;
            while (loading.get()) {
                ENV.dispatcher().dispatchAll(Collections.nCopies(20, TaskSpec.echo(i++).exclusive("load:" + (i % 50))), 4);
            }
        });
        try {
            return sample();
        } finally {
            loading.set(false);
            try {
                load.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ENV.awaitAllFinal(WAIT);
        }
    }

    private static void report(String situation, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2);
        double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        BenchReport.line(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %d |", situation, p50, p99, sorted.size()));
    }
}
