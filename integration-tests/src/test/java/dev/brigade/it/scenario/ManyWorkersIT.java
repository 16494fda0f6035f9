package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.RandomTasks;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many workers over many small conflicting tasks: 4 worker processes × 4 slots, 2,000 no-op
 * brigade.record tasks (each handler run logged, so "run at most once" is checked too),
 * each exclusive on 0-2 of 50 resources and shared on 0-2 of them. Every task completes and the
 * invariants hold. The throughput printed is a figure for the log, never an assertion: timing
 * belongs to the benchmark harness.
 */
@Timeout(300)
class ManyWorkersIT {
    private static final int TASKS = 2_000;
    private static final int RESOURCES = 50;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void everyTaskCompletesAndNoInvariantBreaks(ConnectionMode mode) {
        long seed = System.nanoTime();
        List<TaskSpec> specs = RandomTasks.recorded(new Random(seed), TASKS, RESOURCES, mode.name(), 0, 0);
        // the workers come up while the queue fills, so dispatch also interleaves with completions
        CompletableFuture<List<WorkerProcess>> starting = CompletableFuture.supplyAsync(
                () -> env.startWorkers(4, WorkerSpec.of(mode).concurrency(4)));
        long start = System.nanoTime();
        List<UUID> ids = env.dispatcher().dispatchAll(specs, 8);
        double dispatchSeconds = (System.nanoTime() - start) / 1e9;
        List<WorkerProcess> workers = starting.join();
        env.awaitAllFinal(Duration.ofSeconds(240));
        double workerCpuSeconds = cpu(workers).toMillis() / 1000.0;

        List<TaskRecord> tasks = env.tasks().get(ids);
        Map<TaskState, Long> states = tasks.stream().collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting()));
        assertThat(states).as("states of the %d tasks (seed %d)", TASKS, seed).isEqualTo(Map.of(TaskState.COMPLETED, (long) TASKS));
        Instant firstStarted = tasks.stream().map(TaskRecord::startedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant lastFinished = tasks.stream().map(TaskRecord::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
        double drainSeconds = Duration.between(firstStarted, lastFinished).toNanos() / 1e9;
        long workersUsed = tasks.stream().map(TaskRecord::worker).distinct().count();
        System.out.printf("[throughput] %s: %d tasks on 4 workers x 4 in %.2f s (first started to last finished): %.0f tasks/s;"
                        + " dispatch took %.2f s (%.0f tasks/s, workers starting meanwhile); tasks ran on %d workers;"
                        + " worker CPU %.1f s incl. start-up (%.1f ms/task); load average %s; seed %d%n",
                mode, TASKS, drainSeconds, TASKS / drainSeconds, dispatchSeconds, TASKS / dispatchSeconds,
                workersUsed, workerCpuSeconds, workerCpuSeconds * 1000 / TASKS, loadAverage(), seed);

        env.assertInvariants();
        assertThat(env.tasks().leftoverReservations()).as("reservations left by final tasks").isZero();
    }

    private static Duration cpu(List<WorkerProcess> workers) {
        return workers.stream().map(WorkerProcess::cpuTime).reduce(Duration.ZERO, Duration::plus);
    }

    /** The machine's 1-minute load average: the figure above means little on a busy machine. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
