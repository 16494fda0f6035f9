package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FinishAndCancelSqlTest extends SqlTestSupport {

    @Test
    void finishWritesTheOutcomeReleasesTheLockAndTheReservations() {
        UUID id = dispatch(List.of("F"), List.of("G"));
        UUID untouched = dispatch(List.of("F"), List.of());
        Task claimed = claim().orElseThrow();
        TaskStore.setRunning(pool, id, me).await().atMost(WAIT).orElseThrow();
        var result = JsonNodeFactory.instance.objectNode().put("ok", true);
        Optional<TaskState> written = pool.withTransaction(tx -> TaskStore.lockResources(tx, claimed.reservations())
                .chain(() -> TaskStore.finish(tx, new TaskStore.Finish(id, me, TaskState.COMPLETED, result, null,
                        TaskState.CANCELED, null)))).await().atMost(WAIT);
        assertThat(written).contains(TaskState.COMPLETED);
        Task done = task(id);
        assertThat(done.result().get("ok").asBoolean()).isTrue();
        assertThat(done.appLock()).isNull();
        assertThat(done.worker()).isEqualTo("test@host");
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
        assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = '" + id + "'")).isZero();
        // only F can free a task (untouched waits on it); G and the domain were shared with no exclusive row queued
        assertThat(count("SELECT count(*) FROM reservation_release")).isEqualTo(1);
        assertThat(pool.query("SELECT resource, exclusive FROM reservation_release").execute().await().atMost(WAIT)
                .iterator().next().getString("resource")).isEqualTo("F");
        assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = '" + untouched + "'")).isEqualTo(2);
        assertThat(task(untouched).state()).isEqualTo(TaskState.WAITING);
    }

    @Test
    void finishByAProcessThatNoLongerHoldsTheTaskWritesNothing() {
        UUID id = dispatch(List.of(), List.of());
        Task claimed = claim().orElseThrow();
        UUID stranger = register("worker");
        Optional<TaskState> written = pool.withTransaction(tx -> TaskStore.finish(tx, new TaskStore.Finish(id, stranger,
                TaskState.COMPLETED, null, null, TaskState.CANCELED, null))).await().atMost(WAIT);
        assertThat(written).isEmpty();
        assertThat(task(id).state()).isEqualTo(TaskState.RUNNING); // claimed and started (SqlTestSupport.claim)
        assertThat(task(id).appLock()).isEqualTo(claimed.appLock());
    }

    @Test
    void aFinalTaskNeverChangesAgain() {
        UUID id = dispatch(List.of(), List.of());
        runToCompletion(id);
        Task done = task(id);
        assertThat(TaskStore.requestCancel(pool, id).await().atMost(WAIT)).isEmpty();
        assertThat(TaskStore.setRunning(pool, id, me).await().atMost(WAIT)).isEmpty();
        Optional<TaskState> again = pool.withTransaction(tx -> TaskStore.finish(tx, new TaskStore.Finish(id, me,
                TaskState.FAILED, null, null, TaskState.CANCELED, null))).await().atMost(WAIT);
        assertThat(again).isEmpty();
        assertThat(task(id)).isEqualTo(done);
    }

    @Test
    void cancelOfAWaitingTaskStampsItSoAWorkerFinishesItAsCanceled() {
        UUID holder = dispatch(List.of("W"), List.of());
        UUID waiting = dispatch(List.of("W"), List.of());
        assertThat(TaskStore.requestCancel(pool, waiting).await().atMost(WAIT)).contains(Optional.empty());
        Task canceling = task(waiting);
        assertThat(canceling.state()).isEqualTo(TaskState.CANCELING);
        assertThat(canceling.unblockedAt()).isNotNull();
        assertThat(task(holder).state()).isEqualTo(TaskState.WAITING);
        // the next claim takes the holder (older), the one after that the canceling task
        assertThat(claim().orElseThrow().id()).isEqualTo(holder);
        Task claimed = claim().orElseThrow();
        assertThat(claimed.id()).isEqualTo(waiting);
        assertThat(finish(claimed, TaskState.FAILED)).contains(TaskState.CANCELED);
        assertThat(task(waiting).startedAt()).isNull();
        assertThat(task(waiting).finishedAt()).isNotNull();
    }

    @Test
    void cancelOfARunningTaskNamesItsHolderAndTheHolderRecordsCanceled() {
        UUID id = dispatch(List.of(), List.of());
        Task claimed = claim().orElseThrow();
        TaskStore.setRunning(pool, id, me).await().atMost(WAIT).orElseThrow();
        assertThat(TaskStore.requestCancel(pool, id).await().atMost(WAIT)).contains(Optional.of(me));
        assertThat(TaskStore.cancelingHeldBy(pool, me).await().atMost(WAIT)).containsExactly(id);
        assertThat(finish(claimed, TaskState.COMPLETED)).contains(TaskState.CANCELED);
        assertThat(task(id).result()).as("a canceled task keeps no result").isNull();
    }

    @Test
    void beforeExitEveryStartedTaskIsRecordedFinalButKeepsItsLockAndReservations() {
        UUID canceled = dispatch(List.of("E1"), List.of());
        UUID aborted = dispatch(List.of("E2"), List.of());
        UUID queued = dispatch(List.of("E3"), List.of());
        UUID other = dispatch(List.of("E4"), List.of());
        claim();
        claim();
        // held in the local queue, never started
        TaskBatchStore.claim(pool, new TaskStore.ClaimNext(me, "test@host", Map.of(), HANDLERS), 1).await().atMost(WAIT);
        assertThat(task(queued).appLock()).isEqualTo(me);
        TaskStore.setRunning(pool, canceled, me).await().atMost(WAIT).orElseThrow();
        TaskStore.setRunning(pool, aborted, me).await().atMost(WAIT).orElseThrow();
        TaskStore.requestCancel(pool, canceled).await().atMost(WAIT);
        var error = JsonNodeFactory.instance.objectNode().put("description", "aborted during worker shutdown");
        List<UUID> finished = pool.withTransaction(tx -> TaskStore.finishAllBeforeExit(tx, me, error)).await().atMost(WAIT);
        assertThat(finished).containsExactlyInAnyOrder(canceled, aborted);
        assertThat(task(canceled).state()).isEqualTo(TaskState.CANCELED);
        assertThat(task(aborted).state()).isEqualTo(TaskState.FAILED);
        assertThat(task(aborted).error().get("description").asText()).isEqualTo("aborted during worker shutdown");
        assertThat(task(aborted).appLock()).isEqualTo(me);
        assertThat(task(other).state()).isEqualTo(TaskState.WAITING);
        assertThat(task(queued).state()).as("it never started: not failed").isEqualTo(TaskState.WAITING);
        assertThat(task(queued).appLock()).as("let go at once, for any worker").isNull();
        assertThat(count("SELECT count(*) FROM task_reservation WHERE resource IN ('E1', 'E2')")).isEqualTo(2);
        // nothing is swept while the halted process's row exists
        assertThat(TaskStore.sweepKeptReservations(pool, 10).await().atMost(WAIT)).isZero();
    }
}
