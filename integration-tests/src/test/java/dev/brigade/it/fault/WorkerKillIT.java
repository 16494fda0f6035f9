package dev.brigade.it.fault;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.HandlerRun;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.RandomTasks;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import dev.brigade.it.env.WorkerSupervisor;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of random workers in the middle of a run of 2,000 conflicting tasks, with a supervisor
 * restarting each one that dies (as Kubernetes would). The kills come 1-4 s apart once the run is
 * under way, each taking a worker that is running tasks at that moment when there is one (a kill
 * stalls the queue behind its tasks until the reap, so the later ones may find every worker idle).
 * Afterwards: every task is final; only tasks of killed workers failed, each saying its worker
 * went missing, within about two ttl of the kill; the tasks a victim was running are among them
 * unless they finished before the kill landed; no other worker died; the killed workers' rows and
 * reservations are gone; no task final at a kill changed afterwards; and the invariants hold,
 * handler runs included (no task ran twice).
 */
@Timeout(600)
class WorkerKillIT {
    private static final int TASKS = 2_000;
    private static final int RESOURCES = 50;
    private static final int WORKERS = 4;
    private static final int SLOTS = 4;
    private static final int KILLS = 6;
    /** The kills begin once this many tasks are final, one every 1-4 s. */
    private static final int UNDER_WAY = 100;
    /** How long after a kill a worker with nothing running may be the next victim. */
    private static final Duration IDLE_WILL_DO_AFTER = Duration.ofSeconds(1);
    private static final Duration TTL = Duration.ofSeconds(10);
    /** The missing are reaped within ttl plus this of their last heartbeat (default 5 s; shorter keeps the run short). */
    private static final Duration JANITOR_INTERVAL = Duration.ofSeconds(2);
    /** "About two ttl", with room for the janitor's turn on a machine busy restarting JVMs. */
    private static final Duration FAILED_WITHIN = TTL.multipliedBy(2).plusSeconds(15);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    /** One kill: the victim, what it was running just before, and when it was gone. */
    private record Kill(WorkerProcess victim, String name, List<UUID> running, Instant exitedAt) {
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void killedWorkersLoseOnlyTheirOwnTasksAndNothingRunsTwice(ConnectionMode mode) throws InterruptedException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        WorkerSpec spec = WorkerSpec.of(mode).concurrency(SLOTS).ttl(TTL)
                .with("brigade.worker.janitor-interval", JANITOR_INTERVAL.toSeconds() + "S");
        List<Kill> kills = new ArrayList<>();
        List<List<TaskRecord>> snapshots = new ArrayList<>(); // the rows at each kill: what was final stays so
        List<UUID> ids;
        long startedNanos = System.nanoTime();
        try (WorkerSupervisor supervisor = WorkerSupervisor.start(env, spec, WORKERS)) {
            long before = env.tasks().finalCount(); // the earlier modes' tasks share the database
            CompletableFuture<List<UUID>> dispatching = CompletableFuture.supplyAsync(() -> env.dispatcher()
                    .dispatchAll(RandomTasks.recorded(random, TASKS, RESOURCES, mode.name(), 5, 60), 8));
            Await.until("the run under way (seed " + seed + ")", Duration.ofSeconds(120),
                    () -> finished(dispatching) - before, done -> done >= UNDER_WAY);
            long lastKill = System.nanoTime();
            while (kills.size() < KILLS) {
                // a busy worker when there is one; an idle one will do once the first kill has
                // stalled the queue behind its tasks (FIFO) and nobody runs anything until the reap
                boolean idleWillDo = !kills.isEmpty() && System.nanoTime() - lastKill > IDLE_WILL_DO_AFTER.toNanos();
                Kill kill = killAWorker(supervisor, random, idleWillDo);
                if (kill != null) {
                    kills.add(kill);
                    snapshots.add(env.tasks().all());
                    lastKill = System.nanoTime();
                    // the next kill comes while this one's tasks may still wait to be reaped: the
                    // outages overlap, as in a rolling node failure, and the run stays short
                    Thread.sleep(1_000 + random.nextInt(2_000));
                } else {
                    Thread.sleep(100);
                }
            }
            ids = dispatching.join();
            env.awaitAllFinal(Duration.ofSeconds(240));
            System.out.printf("[worker-kill] %s: every task final %.1f s after the workers started%n", mode,
                    (System.nanoTime() - startedNanos) / 1e9);
            assertThat(supervisor.deathsOtherThan(kills.stream().map(Kill::victim).toList()))
                    .as("workers that died without being killed (a watchdog halt under load shows here)").isEmpty();
            // the supervisor notices a death between replacements (each waits for a worker to be ready)
            Await.until("every killed worker seen dead and replaced", BrigadeEnvironment.READY_TIMEOUT,
                    () -> supervisor.deaths().size(), seen -> seen >= KILLS);
            assertThat(supervisor.deaths()).as("every killed worker was seen dead and replaced").hasSize(KILLS);
        }

        List<TaskRecord> tasks = env.tasks().get(ids);
        Map<String, Kill> byName = kills.stream().collect(Collectors.toMap(Kill::name, k -> k));
        List<TaskRecord> failed = tasks.stream().filter(t -> t.state() == TaskState.FAILED).toList();
        Map<TaskState, Long> states = tasks.stream().collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting()));
        Duration slowest = failed.stream().filter(t -> byName.containsKey(t.worker()))
                .map(t -> Duration.between(byName.get(t.worker()).exitedAt(), t.finishedAt()))
                .max(Duration::compareTo).orElse(Duration.ZERO);
        System.out.printf("[worker-kill] %s: %d kills (%d of a worker running tasks), states %s, slowest failure %.1f s"
                        + " after its worker's kill (ttl %d s); seed %d%n", mode, kills.size(),
                kills.stream().filter(k -> !k.running().isEmpty()).count(), states, slowest.toMillis() / 1000.0,
                TTL.toSeconds(), seed);

        assertThat(states.keySet()).as("every task completed or failed (seed %d)", seed)
                .isSubsetOf(Set.of(TaskState.COMPLETED, TaskState.FAILED));
        for (TaskRecord task : failed) {
            Kill kill = byName.get(task.worker());
            assertThat(kill).as("a failed task ran on a killed worker: %s", task).isNotNull();
            assertThat(task.errorDescription()).isEqualTo("worker " + task.worker() + " has gone missing");
            assertThat(Duration.between(kill.exitedAt(), task.finishedAt()))
                    .as("failed within about two ttl of the kill: %s", task).isLessThanOrEqualTo(FAILED_WITHIN);
        }
        Map<UUID, TaskRecord> byId = new HashMap<>();
        tasks.forEach(task -> byId.put(task.id(), task));
        for (Kill kill : kills) {
            for (UUID id : kill.running()) {
                TaskRecord task = byId.get(id);
                // completed: the victim finished it just before it died (its run log shows the one whole run)
                assertThat(task.state() == TaskState.FAILED || task.state() == TaskState.COMPLETED && kill.name().equals(task.worker()))
                        .as("a task %s was running when it was killed: failed, or completed by it before the kill: %s",
                                kill.name(), task).isTrue();
            }
            // a victim that held nothing may still be unreaped when the last task finishes: wait for its reap
            Await.until(kill.name() + "'s app_status row reaped", FAILED_WITHIN,
                    () -> env.tasks().appStatusExists(kill.name()), exists -> !exists);
        }
        assertThat(failed).as("the kills took running tasks with them (seed %d)", seed).isNotEmpty();
        // only started tasks fail with their worker: the tasks it held without starting them (its
        // local queue) went back to the queue and ran elsewhere. Of those, the ones still in their
        // handler at the kill never outnumber its slots; a task whose handler had returned may
        // fail too (its outcome waited for the completer's batched write, docs/worker.md)
        Set<UUID> handlerReturned = env.handlerRuns().stream().filter(run -> run.end() != null)
                .map(HandlerRun::taskId).collect(Collectors.toSet());
        failed.forEach(task -> assertThat(task.startedAt()).as("a failed task was started: %s", task).isNotNull());
        failed.stream().filter(task -> !handlerReturned.contains(task.id()))
                .collect(Collectors.groupingBy(TaskRecord::worker, Collectors.counting()))
                .forEach((worker, count) -> assertThat(count)
                        .as("tasks failed in their handler with %s, at most its %d slots (seed %d)", worker, SLOTS, seed)
                        .isLessThanOrEqualTo((long) SLOTS));
        snapshots.forEach(env::assertFinalTasksUnchangedSince);
        env.assertInvariants();
        assertThat(env.tasks().leftoverReservations()).as("reservations left by final tasks").isZero();
    }

    /**
     * kill -9 of a random supervised worker that is running tasks now, or of any live one when
     * {@code idleWillDo}; null when there is none to take.
     */
    private static Kill killAWorker(WorkerSupervisor supervisor, Random random, boolean idleWillDo) {
        Map<String, List<UUID>> running = env.tasks().runningByWorker();
        List<WorkerProcess> alive = supervisor.fleet().stream().filter(WorkerProcess::alive).toList();
        List<WorkerProcess> busy = alive.stream().filter(w -> running.keySet().stream().anyMatch(w::named)).toList();
        List<WorkerProcess> candidates = busy.isEmpty() && idleWillDo ? alive : busy;
        if (candidates.isEmpty()) {
            return null;
        }
        WorkerProcess victim = candidates.get(random.nextInt(candidates.size()));
        String name = env.tasks().processNameOf(victim.pid()).orElseThrow(
                () -> new AssertionError("no app_status row for the live worker " + victim));
        victim.kill();
        assertThat(victim.awaitExit(Duration.ofSeconds(10))).as("kill -9 exit code").isEqualTo(137);
        return new Kill(victim, name, running.getOrDefault(name, List.of()), victim.exitedAt());
    }

    /** Final tasks so far in the database; fails at once if the dispatch failed. */
    private static long finished(CompletableFuture<List<UUID>> dispatching) {
        if (dispatching.isCompletedExceptionally()) {
            dispatching.join(); // the dispatch failed: let the test fail with its cause
        }
        return env.tasks().finalCount();
    }
}
