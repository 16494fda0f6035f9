package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.WakeupListener;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The batched pipeline's statements: dispatch, claim, finish and unblock many tasks per call. */
class BatchPipelineSqlTest extends SqlTestSupport {

    private static TaskStore.NewTask newTask(List<String> exclusive, List<String> shared) {
        return new TaskStore.NewTask(UUID.randomUUID(), "brigade.echo", JsonNodeFactory.instance.objectNode(), "cid",
                Reservations.of(exclusive, shared, "default"), false, true, null, null, Map.of());
    }

    private List<TaskBatchStore.DispatchedRow> dispatchBatch(List<TaskStore.NewTask> tasks) {
        return TaskBatchStore.dispatch(pool, tasks).await().atMost(WAIT);
    }

    private List<TaskBatchStore.Claimed> claimBatch(int limit) {
        return TaskBatchStore.claim(pool, new TaskStore.ClaimNext(me, "test@host", Map.of(), HANDLERS), limit).await().atMost(WAIT);
    }

    private List<TaskBatchStore.StartAnswer> start(List<UUID> ids) {
        return TaskBatchStore.start(pool, ids, me, "test@host").await().atMost(WAIT);
    }

    private List<UUID> idsOf(List<TaskBatchStore.Claimed> claimed) {
        return claimed.stream().map(c -> c.task().id()).toList();
    }

    private TaskBatchStore.FinishResult finish(List<TaskBatchStore.Outcome> outcomes) {
        return TaskBatchStore.finish(pool, me, outcomes, false).await().atMost(WAIT);
    }

    private static TaskBatchStore.Outcome completed(Task task, boolean ran) {
        return new TaskBatchStore.Outcome(task.id(), task.reservations(), TaskState.COMPLETED, null, null,
                TaskState.CANCELED, null, ran);
    }

    @Test
    void aBatchIsQueuedInTheOrderGivenAndOnlyTasksNothingEarlierConflictsWithAreUnblocked() {
        List<TaskStore.NewTask> tasks = List.of(
                newTask(List.of("X"), List.of()),     // free
                newTask(List.of(), List.of("X")),     // behind the exclusive X of the batch
                newTask(List.of("Y"), List.of()),     // free
                newTask(List.of("X"), List.of()),     // behind both earlier X
                newTask(List.of(), List.of()),        // only the domain: free
                newTask(List.of(), List.of("Z")),     // free
                newTask(List.of(), List.of("Z")));    // shared after shared: free
        List<TaskBatchStore.DispatchedRow> rows = dispatchBatch(tasks);
        assertThat(rows).hasSize(tasks.size());
        List<Boolean> free = tasks.stream().map(t -> task(t.id()).unblockedAt() != null).toList();
        assertThat(free).containsExactly(true, false, true, false, true, true, true);
        List<OffsetDateTime> created = tasks.stream().map(t -> task(t.id()).createdAt()).toList();
        for (int i = 1; i < created.size(); i++) {
            assertThat(created.get(i)).as("created_at of task " + i).isAfter(created.get(i - 1));
        }
        assertThat(task(tasks.get(1).id()).reservedResources()).containsExactly("shared:X", "shared:domain:default");
        assertThat(count("SELECT count(*) FROM task_reservation")).isEqualTo(2 + 2 + 2 + 2 + 1 + 2 + 2);

        // the queue blocks the next batch: Y is held exclusively, Z only shared
        TaskStore.NewTask onY = newTask(List.of(), List.of("Y"));
        TaskStore.NewTask onZ = newTask(List.of(), List.of("Z"));
        dispatchBatch(List.of(onY, onZ));
        assertThat(unblocked(onY.id())).isFalse();
        assertThat(unblocked(onZ.id())).isTrue();
    }

    @Test
    void aBatchClaimTakesUpToItsLimitInFifoOrderAndHoldsThemWaitingUntilStarted() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(dispatch(List.of(), List.of()));
        }
        List<TaskBatchStore.Claimed> first = claimBatch(3);
        assertThat(first).hasSize(3);
        assertThat(first.stream().map(c -> c.task().id()).collect(Collectors.toSet())).isEqualTo(Set.copyOf(ids.subList(0, 3)));
        for (TaskBatchStore.Claimed c : first) {
            assertThat(c.claimedState()).isEqualTo(TaskState.WAITING);
            assertThat(c.task().state()).as("held, not started: a worker dying now has it back in the queue")
                    .isEqualTo(TaskState.WAITING);
            assertThat(c.task().startedAt()).isNull();
            assertThat(c.task().appLock()).isEqualTo(me);
        }
        for (UUID untouched : ids.subList(3, 5)) {
            assertThat(task(untouched).state()).isEqualTo(TaskState.WAITING);
            assertThat(task(untouched).appLock()).isNull();
        }
        assertThat(first).as("two more wait beyond the three taken").allMatch(TaskBatchStore.Claimed::moreClaimable);
        List<TaskBatchStore.Claimed> rest = claimBatch(3);
        assertThat(rest).extracting(c -> c.task().id()).containsExactlyInAnyOrderElementsOf(ids.subList(3, 5));
        assertThat(rest).as("nothing waits beyond the last two").noneMatch(TaskBatchStore.Claimed::moreClaimable);
        assertThat(claimBatch(3)).isEmpty();
    }

    @Test
    void aClaimThatTakesExactlyTheLastTaskSeesNothingMore() {
        UUID only = dispatch(List.of(), List.of());
        List<TaskBatchStore.Claimed> claimed = claimBatch(1);
        assertThat(claimed).extracting(c -> c.task().id()).containsExactly(only);
        assertThat(claimed.getFirst().moreClaimable()).as("a full claim of the only task: nobody else to wake").isFalse();
    }

    @Test
    void aClaimStartsAsManyOfItsFirstWaitingTasksAsItWasToldAndHoldsTheRest() {
        UUID canceling = dispatch(List.of(), List.of());
        List<UUID> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(dispatch(List.of(), List.of()));
        }
        pool.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(canceling)).await().atMost(WAIT);

        List<TaskBatchStore.Claimed> claimed = TaskBatchStore.claim(pool,
                new TaskStore.ClaimNext(me, "test@host", Map.of(), HANDLERS), 5, 2).await().atMost(WAIT);

        assertThat(claimed).hasSize(5);
        assertThat(claimed).filteredOn(TaskBatchStore.Claimed::started).extracting(c -> c.task().id())
                .as("the two oldest waiting ones; the canceling one takes no slot")
                .containsExactlyInAnyOrderElementsOf(waiting.subList(0, 2));
        for (UUID id : waiting.subList(0, 2)) {
            assertThat(task(id).state()).isEqualTo(TaskState.RUNNING);
            assertThat(task(id).startedAt()).isNotNull();
            assertThat(task(id).worker()).isEqualTo("test@host");
        }
        for (UUID id : waiting.subList(2, 4)) {
            assertThat(task(id).state()).isEqualTo(TaskState.WAITING);
            assertThat(task(id).startedAt()).isNull();
            assertThat(task(id).appLock()).isEqualTo(me);
        }
        assertThat(task(canceling).state()).isEqualTo(TaskState.CANCELING);
        assertThat(task(canceling).appLock()).isEqualTo(me);
    }

    @Test
    void aBatchStartMovesHeldWaitingTasksToRunningAndLeavesTheCanceledAndOthersTasksAlone() {
        UUID started = dispatch(List.of(), List.of());
        UUID canceledWhileQueued = dispatch(List.of(), List.of());
        UUID othersTask = dispatch(List.of(), List.of());
        claimBatch(2);
        UUID other = register("worker");
        TaskBatchStore.claim(pool, new TaskStore.ClaimNext(other, "other@host", Map.of(), HANDLERS), 1).await().atMost(WAIT);
        pool.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(canceledWhileQueued)).await().atMost(WAIT);

        Map<UUID, TaskBatchStore.StartAnswer> answers = start(List.of(started, canceledWhileQueued, othersTask)).stream()
                .collect(Collectors.toMap(TaskBatchStore.StartAnswer::id, a -> a));

        assertThat(answers.get(started).started()).isTrue();
        assertThat(task(started).state()).isEqualTo(TaskState.RUNNING);
        assertThat(task(started).worker()).isEqualTo("test@host");
        assertThat(task(started).startedAt()).isAfterOrEqualTo(task(started).unblockedAt());
        assertThat(answers.get(canceledWhileQueued).started()).isFalse();
        assertThat(answers.get(canceledWhileQueued).state()).isEqualTo(TaskState.CANCELING);
        assertThat(answers.get(canceledWhileQueued).mine()).isTrue();
        assertThat(task(canceledWhileQueued).startedAt()).as("its handler must not run").isNull();
        assertThat(answers.get(othersTask).mine()).isFalse();
        assertThat(task(othersTask).state()).isEqualTo(TaskState.WAITING);
        assertThat(task(othersTask).appLock()).isEqualTo(other);
        OffsetDateTime startedAt = task(started).startedAt();
        assertThat(start(List.of(started)).getFirst().started())
                .as("a retry after a lost reply finds its own start").isTrue();
        assertThat(task(started).startedAt()).as("and changes nothing").isEqualTo(startedAt);
    }

    @Test
    void aWorkerThatGoesMissingHasItsHeldButUnstartedTasksBackInTheQueue() {
        UUID started = dispatch(List.of("A"), List.of());
        UUID queued = dispatch(List.of("B"), List.of());
        UUID dying = register("worker");
        List<TaskBatchStore.Claimed> held = TaskBatchStore.claim(pool,
                new TaskStore.ClaimNext(dying, "dying@host", Map.of(), HANDLERS), 2).await().atMost(WAIT);
        assertThat(held).hasSize(2);
        TaskBatchStore.start(pool, List.of(started), dying, "dying@host").await().atMost(WAIT);

        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(dying)).await().atMost(WAIT); // what the reap does

        assertThat(task(queued).state()).isEqualTo(TaskState.WAITING);
        assertThat(task(queued).appLock()).isNull();
        List<TaskBatchStore.Claimed> next = claimBatch(5);
        assertThat(next).extracting(TaskBatchStore.Claimed::claimedState)
                .as("the started one is finished failed by whoever claims it, the queued one runs")
                .containsExactlyInAnyOrder(TaskState.RUNNING, TaskState.WAITING);
        assertThat(next).filteredOn(c -> c.claimedState() == TaskState.WAITING).extracting(c -> c.task().id())
                .containsExactly(queued);
    }

    @Test
    void aBatchFinishWritesEachOutcomeAndLeavesTasksHeldByOthersAlone() {
        UUID done = dispatch(List.of("A"), List.of());
        UUID canceled = dispatch(List.of("B"), List.of());
        UUID neverRan = dispatch(List.of("C"), List.of());
        UUID othersTask = dispatch(List.of("D"), List.of());
        List<TaskBatchStore.Claimed> mine = claimBatch(3);
        start(List.of(done, canceled));
        UUID other = register("worker");
        List<TaskBatchStore.Claimed> others = TaskBatchStore.claim(pool,
                new TaskStore.ClaimNext(other, "other@host", Map.of(), HANDLERS), 1).await().atMost(WAIT);
        TaskBatchStore.start(pool, idsOf(others), other, "other@host").await().atMost(WAIT);
        pool.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(canceled)).await().atMost(WAIT);
        Map<UUID, Task> claimed = mine.stream().collect(Collectors.toMap(c -> c.task().id(), TaskBatchStore.Claimed::task));

        TaskBatchStore.FinishResult result = finish(List.of(
                completed(claimed.get(done), true),
                completed(claimed.get(canceled), true),
                completed(claimed.get(neverRan), false),
                new TaskBatchStore.Outcome(othersTask, Reservations.of(List.of("D"), List.of(), "default"),
                        TaskState.COMPLETED, null, null, TaskState.CANCELED, null, true)));

        assertThat(result.finished()).extracting(TaskBatchStore.Finished::id).containsExactlyInAnyOrder(done, canceled, neverRan);
        assertThat(task(done).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(task(done).startedAt()).isNotNull();
        assertThat(task(canceled).state()).as("canceled meanwhile: its canceling outcome").isEqualTo(TaskState.CANCELED);
        assertThat(task(neverRan).startedAt()).as("its handler never ran").isNull();
        assertThat(task(othersTask).state()).isEqualTo(TaskState.RUNNING);
        assertThat(task(othersTask).appLock()).isEqualTo(other);
        assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = '" + othersTask + "'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM task_reservation")).isEqualTo(2);
        assertThat(result.releasesRecorded()).as("nothing waits on A, B or C").isFalse();
        assertThat(count("SELECT count(*) FROM reservation_release")).isZero();
    }

    @Test
    void aReleaseIsRecordedOnlyWhenItCanFreeATask() {
        UUID reader = dispatch(List.of(), List.of("R"));
        UUID writer = dispatch(List.of("W"), List.of());
        Map<UUID, Task> claimed = claimBatch(2).stream().collect(Collectors.toMap(c -> c.task().id(), TaskBatchStore.Claimed::task));
        UUID writerAfterReader = dispatch(List.of("R"), List.of());
        UUID readerAfterWriter = dispatch(List.of(), List.of("W"));
        UUID readerBesideReader = dispatch(List.of(), List.of("R"));
        assertThat(unblocked(writerAfterReader)).isFalse();
        assertThat(unblocked(readerAfterWriter)).isFalse();
        assertThat(unblocked(readerBesideReader)).as("behind the waiting writer on R").isFalse();

        TaskBatchStore.FinishResult result = finish(List.of(completed(claimed.get(reader), true), completed(claimed.get(writer), true)));

        assertThat(result.releasesRecorded()).isTrue();
        List<String> recorded = new ArrayList<>();
        pool.query("SELECT resource FROM reservation_release ORDER BY resource").execute().await().atMost(WAIT)
                .forEach(row -> recorded.add(row.getString("resource")));
        assertThat(recorded).as("R has a writer waiting, W a reader; the shared domain frees nobody").containsExactly("R", "W");
        assertThat(unblockReleased()).isEqualTo(2);
        assertThat(unblocked(writerAfterReader)).isTrue();
        assertThat(unblocked(readerAfterWriter)).isTrue();
        assertThat(unblocked(readerBesideReader)).isFalse();
    }

    @Test
    void anUnblockStepSkipsWhileAnotherProcessUnblocksAndCostsNoLockWhenNothingIsPending() {
        TaskBatchStore.UnblockStep idle = TaskBatchStore.unblockStep(pool, 10).await().atMost(WAIT);
        assertThat(idle).isEqualTo(new TaskBatchStore.UnblockStep(true, 0, 0));

        UUID first = dispatch(List.of("U"), List.of());
        UUID second = dispatch(List.of("U"), List.of());
        Task claimed = claimBatch(1).getFirst().task();
        assertThat(claimed.id()).isEqualTo(first);
        finish(List.of(completed(claimed, true)));
        var holder = pool.getConnection().await().atMost(WAIT);
        try {
            var tx = holder.begin().await().atMost(WAIT);
            holder.query("SELECT pg_try_advisory_xact_lock(1112688452, 1)").execute().await().atMost(WAIT);
            TaskBatchStore.UnblockStep skipped = TaskBatchStore.unblockStep(pool, 10).await().atMost(WAIT);
            assertThat(skipped.acquired()).isFalse();
            assertThat(count("SELECT count(*) FROM reservation_release")).as("left for the holder").isEqualTo(1);
            tx.rollback().await().atMost(WAIT);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(second)).isTrue();
    }

    @Test
    void lostClaimsAreStartedAgainOnlyWhenThisProcessStartedThem() {
        UUID lost = dispatch(List.of(), List.of());
        UUID kept = dispatch(List.of(), List.of());
        UUID takenOver = dispatch(List.of(), List.of());
        start(idsOf(claimBatch(2)));
        // a task an earlier process of the same name started, taken over by this one
        pool.preparedQuery("UPDATE task SET state = 'running', started_at = now() - interval '1 hour', worker = 'test@host', "
                + "unblocked_at = now() - interval '2 hours', app_lock = $1 WHERE id = $2").execute(Tuple.of(me, takenOver))
                .await().atMost(WAIT);

        List<UUID> returned = TaskBatchStore.returnLostClaims(pool, me, List.of(kept), "test@host").await().atMost(WAIT);

        assertThat(returned).containsExactlyInAnyOrder(lost, takenOver);
        assertThat(task(lost).state()).isEqualTo(TaskState.WAITING);
        assertThat(task(lost).startedAt()).isNull();
        assertThat(task(lost).appLock()).isNull();
        assertThat(task(takenOver).state()).as("it may have run: finished failed by the next claim").isEqualTo(TaskState.RUNNING);
        assertThat(task(takenOver).startedAt()).isNotNull();
        assertThat(task(takenOver).appLock()).isNull();
        assertThat(task(kept).appLock()).isEqualTo(me);
        assertThat(task(kept).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aTaskGivenBackIsWaitingAgainInItsPlaceWithItsStartUndone() {
        UUID first = dispatch(List.of(), List.of());
        UUID canceled = dispatch(List.of(), List.of());
        UUID later = dispatch(List.of(), List.of());
        claimBatch(3);
        pool.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(canceled)).await().atMost(WAIT);
        UUID stranger = register("worker");

        assertThat(TaskBatchStore.giveBack(pool, first, NAME, stranger).await().atMost(WAIT)).as("not the stranger's").isFalse();
        assertThat(task(first).appLock()).isEqualTo(me);
        try (WakeupListener listener = new WakeupListener(db.jdbcUrl())) {
            assertThat(TaskBatchStore.giveBack(pool, first, NAME, me).await().atMost(WAIT)).isTrue();
            assertThat(listener.awaitHandleSignal()).as("the handle names its handler")
                    .contains(HandleSignal.of(Set.of(NAME)));
        }
        assertThat(TaskBatchStore.giveBack(pool, canceled, NAME, me).await().atMost(WAIT)).isTrue();

        assertThat(task(first).state()).isEqualTo(TaskState.WAITING);
        assertThat(task(first).startedAt()).isNull();
        assertThat(task(first).appLock()).isNull();
        assertThat(task(canceled).state()).as("finished canceled by whoever claims it").isEqualTo(TaskState.CANCELING);
        assertThat(task(canceled).startedAt()).isNull();
        assertThat(task(later).appLock()).as("untouched").isEqualTo(me);
        List<TaskBatchStore.Claimed> again = claimBatch(5);
        assertThat(again).extracting(c -> c.task().id()).containsExactlyInAnyOrder(first, canceled);
        assertThat(again).filteredOn(c -> c.task().id().equals(first)).first()
                .extracting(TaskBatchStore.Claimed::claimedState).isEqualTo(TaskState.WAITING);
    }
}
