package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
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
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a worker in the middle of a task, two other workers alive: the task ends failed,
 * naming the missing worker, within about two ttl, and its resource is free again; and a frozen
 * worker judged missing. Both in all three connection modes.
 */
@Timeout(180)
class MissingWorkerIT {
    private static final Duration TTL = Duration.ofSeconds(6);
    /** "About two ttl": two ttl plus a little for the janitor's turn and the claim on a loaded machine. */
    private static final Duration FAILED_WITHIN = TTL.multipliedBy(2).plusSeconds(4);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aKilledWorkersTaskFailsAndItsResourceIsFreedAgain(ConnectionMode mode) {
        List<WorkerProcess> workers = env.startWorkers(3, WorkerSpec.of(mode).concurrency(1).ttl(TTL));
        String z = "repository:Z-" + mode.name();
        UUID id = env.dispatcher().dispatch(TaskSpec.sleep(300).exclusive(z));
        TaskRecord running = env.awaitState(id, TaskState.RUNNING, Duration.ofSeconds(30));
        WorkerProcess victim = env.workerNamed(running.worker());

        Instant killedAt = env.tasks().now();
        victim.kill();
        assertThat(victim.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
        TaskRecord failed = env.awaitFinal(id, FAILED_WITHIN.plusSeconds(20));
        Duration took = Duration.between(killedAt, failed.finishedAt());
        System.out.printf("[missing-worker] %s: task failed %.1f s after kill -9 (ttl %d s)%n",
                mode, took.toMillis() / 1000.0, TTL.toSeconds());

        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.errorDescription()).isEqualTo("worker " + running.worker() + " has gone missing");
        assertThat(took).as("failed within about two ttl").isLessThanOrEqualTo(FAILED_WITHIN);

        UUID after = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(z));
        TaskRecord completed = env.awaitFinal(after, Duration.ofSeconds(30));
        assertThat(completed.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(workers).filteredOn(w -> w != victim).allMatch(WorkerProcess::alive, "alive");
        env.assertInvariants();
    }

    /**
     * A worker frozen (SIGSTOP) past its ttl is judged missing and its task fails like a killed
     * worker's. When it thaws it must not carry on as if it held anything: it halts (exit code 3:
     * its row is gone, or 4: its heartbeat was silent too long) instead of taking or finishing tasks.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aFrozenWorkerJudgedMissingHaltsWhenItThaws(ConnectionMode mode) {
        List<WorkerProcess> workers = env.startWorkers(2, WorkerSpec.of(mode).concurrency(1).ttl(TTL));
        String frozenResource = "repository:frozen-" + mode.name();
        UUID id = env.dispatcher().dispatch(TaskSpec.sleep(300).exclusive(frozenResource));
        TaskRecord running = env.awaitState(id, TaskState.RUNNING, Duration.ofSeconds(30));
        WorkerProcess frozen = env.workerNamed(running.worker());

        frozen.freeze();
        TaskRecord failed = env.awaitFinal(id, FAILED_WITHIN.plusSeconds(20));
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.errorDescription()).isEqualTo("worker " + running.worker() + " has gone missing");
        assertThat(env.tasks().appStatusExists(running.worker())).as("the frozen worker's row was removed").isFalse();

        frozen.thaw();
        // whichever it notices first: its heartbeat silent past 2/3 ttl (4) or its row gone (3)
        assertThat(frozen.awaitExit(Duration.ofSeconds(30)))
                .as("a worker that thaws after being judged missing halts; log %s", frozen.log()).isIn(3, 4);
        assertThat(env.tasks().get(id)).as("its task stays as the janitor left it").isEqualTo(failed);
        UUID after = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive(frozenResource));
        assertThat(env.awaitFinal(after, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(workers).filteredOn(w -> w != frozen).allMatch(WorkerProcess::alive, "alive");
        env.assertInvariants();
    }
}
