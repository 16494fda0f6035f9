package dev.brigade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.db.WorkerDues;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskCanceler;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker running inside the test JVM (concurrency 4, signals listen) against real PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class WorkerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Dispatcher dispatcher;
    @Inject
    TaskCanceler canceler;
    @Inject
    TaskHandlers handlers;
    @Inject
    Pool pool;
    @Inject
    WorkerIdentity identity;
    @Inject
    WorkerLoop loop;

    /**
     * Signals arrive here (mode listen): a task the heartbeat finds claimable for less than the
     * grace is being taken by the worker its signal woke, so the beat does not claim too; an older
     * one (a lost signal) it does.
     */
    @Test
    void theHeartbeatLeavesAJustSignaledTaskToTheSignalPath() {
        assertThat(loop.consider(claimableFor(Duration.ofMillis(100)))).as("just signaled").isFalse();
        assertThat(loop.consider(claimableFor(WorkerLoop.SIGNALED_TASK_GRACE.plusSeconds(1))))
                .as("its signal was lost").isTrue();
    }

    private static WorkerDues claimableFor(Duration waited) {
        return new WorkerDues(true, Optional.of(waited), false, 0, false, false, false, false, List.of());
    }

    @Test
    void echoCompletesWithItsValue() {
        UUID id = dispatch("brigade.echo", args().put("value", 42), List.of(), List.of());
        Task done = awaitTask(id, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.result().asInt()).isEqualTo(42);
        assertThat(done.worker()).endsWith("@" + done.worker().split("@")[1]);
        assertThat(done.appLock()).as("lock released").isNull();
        assertThat(done.unblockedAt()).isBeforeOrEqualTo(done.startedAt());
        assertThat(done.startedAt()).isBeforeOrEqualTo(done.finishedAt());
    }

    @Test
    void aFailingHandlerFailsTheTaskWithItsDescription() {
        UUID id = dispatch("brigade.fail", args().put("message", "broken on purpose"), List.of(), List.of());
        Task done = awaitTask(id, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText()).isEqualTo("broken on purpose");
        // the worker survived: another task still runs
        UUID next = dispatch("brigade.echo", args().put("value", "after"), List.of(), List.of());
        assertThat(awaitTask(next, t -> t.state().isFinal()).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void badArgumentsFailTheTaskNamingTheArgument() {
        UUID id = dispatch("brigade.sleep", args().put("seconds", "soon"), List.of(), List.of());
        Task done = awaitTask(id, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.FAILED);
        assertThat(done.error().get("description").asText()).contains("args.seconds");
    }

    @Test
    void aTaskQueuedBehindAnotherOnTheSameResourceRunsAfterIt() {
        UUID first = dispatch("brigade.sleep", args().put("seconds", 0.5), List.of("repo:1"), List.of());
        UUID second = dispatch("brigade.echo", args().put("value", 2), List.of("repo:1"), List.of());
        Task a = awaitTask(first, t -> t.state().isFinal());
        Task b = awaitTask(second, t -> t.state().isFinal());
        assertThat(b.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(b.startedAt()).isAfterOrEqualTo(a.finishedAt());
    }

    @Test
    void cancelStopsARunningSleepPromptly() {
        UUID id = dispatch("brigade.sleep", args().put("seconds", 60), List.of("slow"), List.of());
        awaitTask(id, t -> t.state() == TaskState.RUNNING);
        assertThat(canceler.cancel(id).await().atMost(DEADLINE)).isEqualTo(TaskState.CANCELING);
        Task done = awaitTask(id, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.CANCELED);
        assertThat(Duration.between(done.startedAt(), done.finishedAt())).isLessThan(Duration.ofSeconds(10));
        // its resource is free again
        UUID after = dispatch("brigade.echo", args(), List.of("slow"), List.of());
        assertThat(awaitTask(after, t -> t.state().isFinal()).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void cancelOfAWaitingTaskEndsItCanceledWithoutRunning() {
        UUID blocker = dispatch("brigade.sleep", args().put("seconds", 60), List.of("held"), List.of());
        UUID waiting = dispatch("brigade.echo", args(), List.of("held"), List.of());
        awaitTask(blocker, t -> t.state() == TaskState.RUNNING);
        canceler.cancel(waiting).await().atMost(DEADLINE);
        Task done = awaitTask(waiting, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.CANCELED);
        assertThat(done.startedAt()).isNull();
        assertThat(task(blocker).state()).isEqualTo(TaskState.RUNNING);
        canceler.cancel(blocker).await().atMost(DEADLINE);
        assertThat(awaitTask(blocker, t -> t.state().isFinal()).state()).isEqualTo(TaskState.CANCELED);
    }

    @Test
    void spawnDispatchesChildrenThatRunToo() {
        ObjectNode spawnArgs = args().put("count", 3).put("name", "brigade.echo");
        spawnArgs.putObject("args").put("value", "child");
        UUID parent = dispatch("brigade.spawn", spawnArgs, List.of(), List.of());
        Task done = awaitTask(parent, t -> t.state().isFinal());
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        List<UUID> children = TaskStore.childIds(pool, parent).await().atMost(DEADLINE);
        assertThat(children).hasSize(3);
        for (UUID child : children) {
            Task c = awaitTask(child, t -> t.state().isFinal());
            assertThat(c.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(c.parentTask()).isEqualTo(parent);
            assertThat(c.loggingCid()).isEqualTo(done.loggingCid());
        }
    }

    @Test
    void progressIsReportedAndTakesTheFinalState() {
        UUID id = dispatch("brigade.progress", args().put("total", 3).put("step_seconds", 0.01), List.of(), List.of());
        awaitTask(id, t -> t.state().isFinal());
        List<ProgressReport> reports = ProgressStore.byTask(pool, id).await().atMost(DEADLINE);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).done()).isEqualTo(3);
        assertThat(reports.get(0).total()).isEqualTo(3);
        assertThat(reports.get(0).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void aResultTheDatabaseCannotStoreFailsItsTaskAloneAndTheOthersOfItsBatchComplete() {
        List<UUID> echoes = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            echoes.add(dispatch("brigade.echo", args().put("value", i), List.of(), List.of()));
        }
        UUID unstorable = dispatch(UnstorableResultHandler.NAME, args(), List.of(), List.of());
        for (int i = 6; i < 12; i++) {
            echoes.add(dispatch("brigade.echo", args().put("value", i), List.of(), List.of()));
        }
        Task failed = awaitTask(unstorable, t -> t.state().isFinal());
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.error().get("description").asText()).contains("could not be stored");
        assertThat(failed.result()).isNull();
        for (int i = 0; i < echoes.size(); i++) {
            Task echo = awaitTask(echoes.get(i), t -> t.state().isFinal());
            assertThat(echo.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(echo.result().asInt()).isEqualTo(i);
        }
    }

    @Test
    void registrationAdvertisesTheHandlersThisWorkerRuns() {
        JsonNode advertised = awaitAdvertised();
        assertThat(advertised.path("brigade.echo").path("may_run_immediately").asBoolean()).isTrue();
        assertThat(advertised.path("brigade.spawn").path("may_run_immediately").isBoolean()).isTrue();
        assertThat(advertised.path("brigade.spawn").path("may_run_immediately").asBoolean()).isFalse();
        assertThat(advertised.has(UnstorableResultHandler.NAME)).as("an application's own handler").isTrue();
        assertThat(advertised.size()).as("one entry per handler bean").isEqualTo(handlers.names().size());
    }

    @Test
    void aHandlerMayDispatchChildrenOfAHandlerOnlyAnotherWorkerAdvertises() {
        String foreign = "test.foreign-" + UUID.randomUUID();
        UUID other = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO app_status (id, name, type, ttl, handlers) VALUES ($1, 'other@host', 'worker', "
                        + "interval '1 hour', jsonb_build_object($2::text, jsonb_build_object('may_run_immediately', false)))")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(other, foreign)).await().atMost(DEADLINE);
        try {
            UUID parent = dispatch("brigade.spawn", args().put("count", 2).put("name", foreign), List.of(), List.of());
            Task done = awaitTask(parent, t -> t.state().isFinal());
            assertThat(done.state()).as("children of an advertised name are accepted: %s", done.error())
                    .isEqualTo(TaskState.COMPLETED);
            assertThat(TaskStore.childIds(pool, parent).await().atMost(DEADLINE)).hasSize(2);
        } finally {
            pool.preparedQuery("DELETE FROM app_status WHERE id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(other))
                    .await().atMost(DEADLINE);
        }
    }

    @Test
    void aTaskOfAHandlerThisWorkerDoesNotRunIsLeftWaitingAndStillBlocksWhatConflictsWithIt() {
        String foreign = "test.other-team-" + UUID.randomUUID();
        UUID other = UUID.randomUUID(); // a live worker that runs it, somewhere else (it never claims here)
        pool.preparedQuery("INSERT INTO app_status (id, name, type, ttl, handlers) VALUES ($1, 'other@host', 'worker', "
                        + "interval '1 hour', jsonb_build_object($2::text, jsonb_build_object('may_run_immediately', false)))")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(other, foreign)).await().atMost(DEADLINE);
        try {
            String resource = "mixed:" + UUID.randomUUID();
            UUID theirs = dispatch(foreign, args(), List.of(resource), List.of());
            UUID blocked = dispatch("brigade.echo", args().put("value", 1), List.of(resource), List.of());
            UUID mine = dispatch("brigade.echo", args().put("value", 2), List.of(), List.of());
            // the claim goes in FIFO order: had it taken the earlier foreign task, it would have done so by now
            assertThat(awaitTask(mine, t -> t.state().isFinal()).state()).isEqualTo(TaskState.COMPLETED);
            Task left = task(theirs);
            assertThat(left.state()).isEqualTo(TaskState.WAITING);
            assertThat(left.appLock()).isNull();
            assertThat(left.worker()).as("never claimed").isNull();
            assertThat(task(blocked).unblockedAt()).as("FIFO: behind the earlier exclusive task").isNull();
            assertThat(dev.brigade.core.db.WorkerDues.read(pool, identity.id(), List.of(), handlers.names())
                    .await().atMost(DEADLINE).claimable()).as("nothing this worker runs is claimable").isFalse();

            // a cancel is anyone's to finish: this worker ends it canceled, and the blocked task runs
            canceler.cancel(theirs).await().atMost(DEADLINE);
            Task canceled = awaitTask(theirs, t -> t.state().isFinal());
            assertThat(canceled.state()).isEqualTo(TaskState.CANCELED);
            assertThat(canceled.startedAt()).isNull();
            assertThat(awaitTask(blocked, t -> t.state().isFinal()).state()).isEqualTo(TaskState.COMPLETED);
        } finally {
            pool.preparedQuery("DELETE FROM app_status WHERE id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(other))
                    .await().atMost(DEADLINE);
        }
    }

    /**
     * A halted worker's task is final with its reservation rows kept; the janitor that reaped the
     * halted worker died before its sweep (here: the row is simply gone). A later janitor run of
     * this worker, prompted by its heartbeat, must still release them: the task behind gets free.
     */
    @Test
    void aLaterJanitorRunReleasesWhatAReapThatDiedBeforeItsSweepLeftBehind() {
        String foreign = "test.halted-" + UUID.randomUUID(); // a name this worker does not run: it claims neither task
        String resource = "leftover:" + UUID.randomUUID();
        UUID halting = UUID.randomUUID();
        pool.preparedQuery(dev.brigade.core.db.AppStatusSql.REGISTER)
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(halting, "halting@host", "worker", "{}", 3600.0,
                        dev.brigade.core.db.AdvertisedHandlerStore.NONE))
                .await().atMost(DEADLINE);
        UUID held = dispatchUnchecked(foreign, resource);
        UUID behind = dispatchUnchecked(foreign, resource);
        Task claimed = TaskStore.claimNext(pool, new TaskStore.ClaimNext(halting, "halting@host", java.util.Map.of(),
                java.util.Set.of(foreign))).await().atMost(DEADLINE).orElseThrow();
        assertThat(claimed.id()).isEqualTo(held);
        dev.brigade.core.db.TaskBatchStore.start(pool, List.of(held), halting, "halting@host").await().atMost(DEADLINE);
        pool.withTransaction(tx -> TaskStore.finishAllBeforeExit(tx, halting,
                JsonNodeFactory.instance.objectNode().put("description", "aborted"))).await().atMost(DEADLINE);
        pool.preparedQuery("DELETE FROM app_status WHERE id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(halting))
                .await().atMost(DEADLINE);
        assertThat(task(held).state()).isEqualTo(TaskState.FAILED);
        try {
            assertThat(awaitTask(behind, t -> t.unblockedAt() != null).unblockedAt())
                    .as("the task behind the leftover rows is free").isNotNull();
        } finally {
            canceler.cancel(behind).await().atMost(DEADLINE);
        }
    }

    private UUID dispatchUnchecked(String name, String exclusive) {
        UUID id = UUID.randomUUID();
        dispatcher.dispatchIn(pool, new TaskStore.NewTask(id, name, args(), "cid",
                dev.brigade.core.reservation.Reservations.of(List.of(exclusive), List.of(), "default"),
                false, true, null, null, java.util.Map.of())).await().atMost(DEADLINE);
        return id;
    }

    /** This worker's handlers column, once it has registered. */
    private JsonNode awaitAdvertised() {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            var rows = pool.preparedQuery("SELECT handlers::text AS handlers FROM app_status WHERE id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(identity.id())).await().atMost(DEADLINE);
            if (rows.rowCount() == 1) {
                return dev.brigade.core.db.Json.parse(rows.iterator().next().getString("handlers"));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the worker did not register in time");
    }

    private UUID dispatch(String name, JsonNode args, List<String> exclusive, List<String> shared) {
        return dispatcher.dispatch(DispatchRequest.of(name, args).withResources(exclusive, shared))
                .await().atMost(DEADLINE).task().id();
    }

    private Task task(UUID id) {
        return TaskStore.findById(pool, id).await().atMost(DEADLINE).orElseThrow();
    }

    private Task awaitTask(UUID id, Predicate<Task> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Task task = task(id);
        while (!condition.test(task)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("task did not reach the condition in time: " + task);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            task = task(id);
        }
        return task;
    }

    private static ObjectNode args() {
        return JsonNodeFactory.instance.objectNode();
    }
}
