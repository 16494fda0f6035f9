package dev.brigade.bench;

import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end throughput of no-op tasks (brigade.echo) with W workers × C concurrency, workers
 * ready and idle, then N tasks dispatched 8 at a time; time from the first dispatch to the last
 * completion. Cases: (a) no resources, (b) each exclusive on one of 1,000 resources at random,
 * (c) all on one exclusive resource (the serial floor). The invariants are checked after each case.
 */
class ThroughputBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(10);

    @RegisterExtension
    static final BrigadeEnvironment ENV = new BrigadeEnvironment();

    private final int tasks = Integer.getInteger("bench.tasks", 2000);
    private final int runs = Integer.getInteger("bench.runs", 3);

    @Test
    void throughput() {
        BenchReport.line("| workers × concurrency | (a) no resources | (b) 1 of 1,000 exclusive | (c) one exclusive resource |");
        BenchReport.line("| --- | --- | --- | --- |");
        for (int[] shape : new int[][] {{1, 1}, {2, 4}, {4, 8}}) {
            List<WorkerProcess> workers = ENV.startWorkers(shape[0], WorkerSpec.of(ConnectionMode.DIRECT).concurrency(shape[1]));
            String a = measure(i -> TaskSpec.echo(i), tasks);
            Random random = new Random(42);
            String b = measure(i -> TaskSpec.echo(i).exclusive("res:" + random.nextInt(1000)), tasks);
            String c = measure(i -> TaskSpec.echo(i).exclusive("the-one"), tasks / 4);
            workers.forEach(WorkerProcess::terminate);
            workers.forEach(w -> assertThat(w.awaitExit(Duration.ofMinutes(1))).isZero());
            BenchReport.line(String.format("| %d × %d | %s | %s | %s |", shape[0], shape[1], a, b, c));
        }
        ENV.assertInvariants();
    }

    private String measure(java.util.function.IntFunction<TaskSpec> spec, int count) {
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            List<TaskSpec> specs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                specs.add(spec.apply(i));
            }
            long start = System.nanoTime();
            ENV.dispatcher().dispatchAll(specs, 8);
            Await.until("all tasks final", WAIT, () -> ENV.tasks().incomplete(), n -> n == 0);
            rates.add(count / ((System.nanoTime() - start) / 1e9));
        }
        return Stats.of(rates).format("/s");
    }
}
