package dev.brigade.it.scenario;

import dev.brigade.core.error.StateConflictException;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancels that arrive while the worker is between statements of a task's life. An echo task spends
 * nearly all of its "running" time in the worker's own writes (set running, finish), so canceling
 * echo tasks the moment they are seen running lands the cancel's thread interrupt in those writes.
 * Every task must still end final (invariant 4: with a live worker, every task reaches a final state),
 * in every connection mode (cancels by signal, or found by polling).
 */
@Timeout(240)
class CancelDuringFinishIT {
    private static final int TASKS = 600;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void everyTaskCanceledWhileItFinishesStillEndsFinal(ConnectionMode mode) throws InterruptedException {
        env.startWorker(WorkerSpec.of(mode).concurrency(4));
        AtomicBoolean dispatching = new AtomicBoolean(true);
        AtomicInteger cancels = new AtomicInteger();
        Thread canceler = Thread.ofPlatform().name("canceler").start(() -> cancelRunningTasks(dispatching, cancels));
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            specs.add(TaskSpec.echo(i));
        }
        try {
            env.dispatcher().dispatchAll(specs, 2);
            env.awaitAllFinal(Duration.ofSeconds(120));
        } finally {
            dispatching.set(false);
            canceler.join();
            Map<TaskState, Long> states = env.tasks().all().stream()
                    .collect(Collectors.groupingBy(TaskRecord::state, Collectors.counting()));
            System.out.printf("[cancel-during-finish] %s: %d cancels sent to running tasks; states of the class so far %s%n",
                    mode, cancels.get(), states);
            env.tasks().all().stream().filter(t -> !t.state().isFinal())
                    .limit(10).forEach(t -> System.out.println("[cancel-during-finish] not final: " + t));
            System.out.println("[cancel-during-finish] canceling tasks still held by a live worker: " + env.pool()
                    .query("SELECT count(*) FROM task t JOIN app_status a ON a.id = t.app_lock WHERE t.state = 'canceling'")
                    .execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0));
        }
        assertThat(cancels.get()).as("cancels that reached running tasks").isPositive();
        env.assertInvariants();
    }

    private static void cancelRunningTasks(AtomicBoolean dispatching, AtomicInteger cancels) {
        while (dispatching.get()) {
            for (Row row : env.pool().query("SELECT id FROM task WHERE state = 'running'").execute()
                    .await().atMost(Duration.ofSeconds(30))) {
                try {
                    env.dispatcher().cancel(row.getUUID("id"));
                    cancels.incrementAndGet();
                } catch (StateConflictException finishedMeanwhile) {
                    // completed before the cancel: nothing to do
                }
            }
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
