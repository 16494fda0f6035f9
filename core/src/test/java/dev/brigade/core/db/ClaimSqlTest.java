package dev.brigade.core.db;

import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimSqlTest extends SqlTestSupport {

    @Test
    void claimsOnlyUnblockedTasksAndLeavesTheBlockedOnesAlone() {
        UUID free = dispatch(List.of("C"), List.of());
        UUID blocked = dispatch(List.of("C"), List.of());
        Task claimed = claim().orElseThrow();
        assertThat(claimed.id()).isEqualTo(free);
        assertThat(claimed.appLock()).isEqualTo(me);
        assertThat(claimed.worker()).isEqualTo("test@host");
        assertThat(claimed.args()).as("the runner gets the args").isNotNull();
        assertThat(claim()).as("the blocked task is not claimable").isEmpty();
        assertThat(task(blocked).appLock()).isNull();
        assertThat(task(blocked).worker()).isNull();
    }

    @Test
    void immediateTasksComeFirstThenFifo() {
        UUID older = dispatch(List.of(), List.of());
        UUID newer = dispatch(List.of(), List.of());
        UUID immediate = dispatch(List.of(), List.of(), true, Map.of());
        assertThat(claim().orElseThrow().id()).isEqualTo(immediate);
        assertThat(claim().orElseThrow().id()).isEqualTo(older);
        assertThat(claim().orElseThrow().id()).isEqualTo(newer);
        assertThat(claim()).isEmpty();
    }

    @Test
    void aWorkerLeavesTasksThatNeedNewerComponentsButMayFinishTheirCancel() {
        UUID needsNewer = dispatch(List.of(), List.of(), false, Map.of("brigade", "2.1"));
        UUID fine = dispatch(List.of(), List.of(), false, Map.of("brigade", "1.0.0-SNAPSHOT"));
        Map<String, String> old = Map.of("brigade", "1.0");
        assertThat(claim(me, old).orElseThrow().id()).isEqualTo(fine);
        assertThat(claim(me, old)).isEmpty();
        pool.preparedQuery(TaskSql.REQUEST_CANCEL).execute(Tuple.of(needsNewer)).await().atMost(WAIT);
        Task canceling = claim(me, old).orElseThrow();
        assertThat(canceling.id()).isEqualTo(needsNewer);
        assertThat(canceling.state()).isEqualTo(TaskState.CANCELING);
        assertThat(claim(me, Map.of("brigade", "2.1.0"))).isEmpty();
    }

    @Test
    void manyConcurrentClaimersNeverTakeTheSameTask() throws Exception {
        List<UUID> dispatched = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            dispatched.add(dispatch(List.of(), List.of()));
        }
        List<UUID> workers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            workers.add(register("worker"));
        }
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (UUID worker : workers) {
                futures.add(threads.submit((Callable<Void>) () -> {
                    Optional<Task> next;
                    while ((next = claim(worker, Map.of())).isPresent()) {
                        claimed.add(next.get().id());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        Set<UUID> distinct = new HashSet<>(claimed);
        assertThat(claimed).hasSize(200);
        assertThat(distinct).containsExactlyInAnyOrderElementsOf(dispatched);
    }

    @Test
    void anAbandonedRunningTaskIsClaimableAndKeepsTheNameOfItsVanishedWorker() {
        UUID other = register("worker");
        UUID id = dispatch(List.of("Z"), List.of());
        Task claimed = claim(other, Map.of()).orElseThrow();
        TaskStore.setRunning(pool, id, other).await().atMost(WAIT).orElseThrow();
        assertThat(claim()).isEmpty();
        pool.preparedQuery(AppStatusSql.DEREGISTER).execute(Tuple.of(other)).await().atMost(WAIT);
        Task abandoned = claim().orElseThrow();
        assertThat(abandoned.id()).isEqualTo(claimed.id());
        assertThat(abandoned.state()).isEqualTo(TaskState.RUNNING);
        assertThat(abandoned.worker()).as("the name of the worker that ran it").isEqualTo("test@host");
        assertThat(abandoned.appLock()).isEqualTo(me);
    }
}
