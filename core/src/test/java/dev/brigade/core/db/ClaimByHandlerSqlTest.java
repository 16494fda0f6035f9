package dev.brigade.core.db;

import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed fleet: each claim (TaskSql.CLAIM_BATCH) and each worker's dues (AppStatusSql
 * WORKER_DUES) consider only the waiting tasks whose handler the worker runs; tasks to finish
 * (canceling, or running without a holder) stay anyone's.
 */
class ClaimByHandlerSqlTest extends SqlTestSupport {
    private static final String SYNC = "repo.sync";
    private static final String PUBLISH = "repo.publish";
    private static final String NOBODY = "nobody.runs";

    private List<TaskBatchStore.Claimed> claim(UUID who, Set<String> handlers, int limit) {
        return TaskBatchStore.claim(pool, new TaskStore.ClaimNext(who, "test@host", Map.of(), handlers), limit)
                .await().atMost(WAIT);
    }

    private UUID dispatchNamed(String name, List<String> exclusive) {
        return dispatch(name, exclusive, List.of(), false, Map.of());
    }

    private static List<UUID> ids(List<TaskBatchStore.Claimed> claimed) {
        return claimed.stream().map(c -> c.task().id()).toList();
    }

    @Test
    void twoWorkersWithDifferentHandlersEachClaimOnlyTheirOwnNames() {
        UUID syncer = register("worker");
        UUID publisher = register("worker");
        List<UUID> syncs = new ArrayList<>();
        List<UUID> publishes = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // interleaved in FIFO order, none conflicting
            syncs.add(dispatchNamed(SYNC, List.of("s" + i)));
            publishes.add(dispatchNamed(PUBLISH, List.of("p" + i)));
        }

        List<TaskBatchStore.Claimed> bySyncer = claim(syncer, Set.of(SYNC), 100);
        assertThat(ids(bySyncer)).containsExactlyInAnyOrderElementsOf(syncs);
        assertThat(bySyncer).allSatisfy(c -> assertThat(c.moreClaimable()).as("no sync left").isFalse());
        assertThat(publishes).allSatisfy(id -> assertThat(task(id).appLock()).as("left to the publisher").isNull());

        List<TaskBatchStore.Claimed> byPublisher = claim(publisher, Set.of(PUBLISH), 100);
        assertThat(ids(byPublisher)).containsExactlyInAnyOrderElementsOf(publishes);
        assertThat(syncs).allSatisfy(id -> assertThat(task(id).appLock()).isEqualTo(syncer));
    }

    @Test
    void aClaimOfSeveralNamesTakesImmediateFirstThenFifoAcrossThem() {
        UUID sync1 = dispatchNamed(SYNC, List.of("a"));
        UUID publishImmediate = dispatch(PUBLISH, List.of("b"), List.of(), true, Map.of());
        UUID publish1 = dispatchNamed(PUBLISH, List.of("c"));
        UUID other = dispatchNamed(NOBODY, List.of("d"));
        UUID syncImmediate = dispatch(SYNC, List.of("e"), List.of(), true, Map.of());
        UUID sync2 = dispatchNamed(SYNC, List.of("f"));

        List<UUID> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // one at a time: the order the claim picks them in
            List<TaskBatchStore.Claimed> one = claim(me, Set.of(SYNC, PUBLISH), 1);
            if (one.isEmpty()) {
                break;
            }
            order.add(one.getFirst().task().id());
        }
        assertThat(order).containsExactly(publishImmediate, syncImmediate, sync1, publish1, sync2);
        assertThat(task(other).appLock()).isNull();
    }

    @Test
    void theBestOfEachNamesWalkIsKeptWhenTheLimitCutsAcrossNames() {
        List<UUID> fifo = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fifo.add(dispatchNamed(i % 2 == 0 ? SYNC : PUBLISH, List.of("r" + i)));
        }
        List<TaskBatchStore.Claimed> three = claim(me, Set.of(SYNC, PUBLISH), 3);
        assertThat(ids(three)).containsExactlyInAnyOrderElementsOf(fifo.subList(0, 3));
        assertThat(three).allSatisfy(c -> assertThat(c.moreClaimable()).isTrue());
        assertThat(fifo.subList(3, 5)).allSatisfy(id -> assertThat(task(id).appLock())
                .as("walked (and locked) by the statement but not taken: let go").isNull());
        assertThat(ids(claim(me, Set.of(SYNC, PUBLISH), 3))).containsExactlyInAnyOrderElementsOf(fifo.subList(3, 5));
    }

    @Test
    void aTaskNoWorkerRunsStaysWaitingAndBlocksTheLaterTasksItConflictsWith() {
        UUID orphan = dispatchNamed(NOBODY, List.of("repo:1"));
        UUID blocked = dispatchNamed(SYNC, List.of("repo:1"));
        UUID free = dispatchNamed(SYNC, List.of("repo:2"));
        assertThat(unblocked(orphan)).isTrue();
        assertThat(unblocked(blocked)).isFalse();

        List<TaskBatchStore.Claimed> claimed = claim(me, Set.of(SYNC), 10);
        assertThat(ids(claimed)).containsExactly(free);
        assertThat(claimed.getFirst().moreClaimable()).as("nothing more I run").isFalse();

        unblockReleased();
        Task stillWaiting = task(orphan);
        assertThat(stillWaiting.state()).isEqualTo(TaskState.WAITING);
        assertThat(stillWaiting.appLock()).isNull();
        assertThat(unblocked(blocked)).as("FIFO: the earlier exclusive task, unclaimed, still comes first").isFalse();
        assertThat(claim(me, Set.of(SYNC), 10)).isEmpty();

        // a worker that runs it takes it
        UUID runner = register("worker");
        assertThat(ids(claim(runner, Set.of(NOBODY), 10))).containsExactly(orphan);
    }

    @Test
    void aTaskToFinishIsClaimedByAnyWorkerWhateverItsName() {
        UUID orphan = dispatchNamed(NOBODY, List.of("repo:1"));
        assertThat(TaskStore.requestCancel(pool, orphan).await().atMost(WAIT)).contains(java.util.Optional.empty());

        List<TaskBatchStore.Claimed> claimed = claim(me, Set.of(SYNC), 10);
        assertThat(ids(claimed)).containsExactly(orphan);
        assertThat(claimed.getFirst().claimedState()).as("to be finished canceled, no handler needed")
                .isEqualTo(TaskState.CANCELING);
    }

    @Test
    void theDuesSayClaimableOnlyForTasksThisWorkerWouldClaim() {
        assertThat(dues(Set.of(SYNC)).claimable()).isFalse();
        UUID orphan = dispatchNamed(NOBODY, List.of("repo:1"));
        assertThat(dues(Set.of(SYNC)).claimable()).as("a task of a name I do not run").isFalse();
        assertThat(dues(Set.of()).claimable()).isFalse();
        assertThat(dues(Set.of(SYNC, NOBODY)).claimable()).isTrue();
        assertThat(WorkerDues.beat(pool, me, List.of(), Set.of(SYNC)).await().atMost(WAIT).claimable())
                .as("the heartbeat's dues are the same").isFalse();

        UUID mine = dispatchNamed(SYNC, List.of("repo:2"));
        assertThat(dues(Set.of(SYNC)).claimable()).isTrue();
        assertThat(ids(claim(me, Set.of(SYNC), 10))).containsExactly(mine);
        assertThat(dues(Set.of(SYNC)).claimable()).isFalse();

        assertThat(TaskStore.requestCancel(pool, orphan).await().atMost(WAIT)).contains(java.util.Optional.empty());
        assertThat(dues(Set.of(SYNC)).claimable()).as("a canceling task is anyone's to finish").isTrue();
    }

    @Test
    void aDeepQueueOfAnotherNameAheadDoesNotHideMine() {
        for (int i = 0; i < 300; i++) {
            dispatchNamed(PUBLISH, List.of("p" + i));
        }
        UUID mine = dispatchNamed(SYNC, List.of("s"));
        assertThat(dues(Set.of(SYNC)).claimable()).isTrue();
        List<TaskBatchStore.Claimed> claimed = claim(me, Set.of(SYNC), 5);
        assertThat(ids(claimed)).containsExactly(mine);
        assertThat(claimed.getFirst().moreClaimable()).isFalse();
        assertThat(count("SELECT count(*) FROM task WHERE app_lock IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void concurrentClaimersOfTwoHandlerSetsTakeEachTaskOnceAndOnlyTheirOwn() throws Exception {
        int perName = 150;
        for (int i = 0; i < perName; i++) {
            dispatchNamed(SYNC, List.of("s" + i));
            dispatchNamed(PUBLISH, List.of("p" + i));
        }
        Map<UUID, String> claimedBy = new ConcurrentHashMap<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        List<String> twice = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String runs = w % 2 == 0 ? SYNC : PUBLISH;
                UUID worker = register("worker");
                running.add(threads.submit(() -> {
                    while (true) {
                        List<TaskBatchStore.Claimed> got = claim(worker, Set.of(runs), 7);
                        if (got.isEmpty()) {
                            return;
                        }
                        for (TaskBatchStore.Claimed c : got) {
                            if (!c.task().name().equals(runs)) {
                                wrong.add(c.task().name() + " claimed by a worker of " + runs);
                            }
                            if (claimedBy.putIfAbsent(c.task().id(), runs) != null) {
                                twice.add(c.task().id().toString());
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(wrong).isEmpty();
        assertThat(twice).isEmpty();
        assertThat(claimedBy).hasSize(2 * perName);
        assertThat(count("SELECT count(*) FROM task WHERE app_lock IS NULL")).isZero();
    }

    private WorkerDues dues(Set<String> handlers) {
        return WorkerDues.read(pool, me, List.of(), handlers).await().atMost(WAIT);
    }
}
