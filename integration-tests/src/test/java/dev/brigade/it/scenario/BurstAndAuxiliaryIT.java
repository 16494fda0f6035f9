package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Burst mode drains the queue and exits; auxiliary workers claim and run but never unblock. Both
 * in all three connection modes.
 */
@Timeout(180)
class BurstAndAuxiliaryIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aBurstWorkerDrainsTheQueueThenExitsCleanly(ConnectionMode mode) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(env.dispatcher().dispatch(TaskSpec.echo(i).exclusive("burst:" + mode.name() + ":" + (i % 3))));
        }
        WorkerProcess burst = env.startWorker(WorkerSpec.of(mode).concurrency(2)
                .with("brigade.worker.burst", "true"));
        assertThat(burst.awaitExit(Duration.ofSeconds(90))).isZero();
        for (UUID id : ids) {
            assertThat(env.tasks().get(id).state()).isEqualTo(TaskState.COMPLETED);
        }
        String workerName = env.tasks().get(ids.getFirst()).worker();
        assertThat(burst.named(workerName)).isTrue();
        assertThat(env.tasks().appStatusExists(workerName)).as("its row is deleted on exit").isFalse();
        env.assertInvariants();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void anAuxiliaryWorkerRunsFreeTasksButLeavesUnblockingToOthers(ConnectionMode mode) {
        String a = "aux:A-" + mode.name();
        WorkerProcess auxiliary = env.startWorker(WorkerSpec.of(mode)
                .with("brigade.worker.auxiliary", "true"));
        UUID first = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive(a));
        UUID second = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive(a));
        assertThat(env.awaitFinal(first, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        // the release of A waits for an unblocker: the auxiliary worker never consumes it
        assertThat(releasesOf(a)).isEqualTo(1);
        assertThat(env.tasks().get(second).unblockedAt()).isNull();
        env.startWorker(WorkerSpec.of(mode));
        assertThat(env.awaitFinal(second, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(auxiliary.alive()).isTrue();
        // if the auxiliary worker ran the second task, its release is consumed after the other
        // worker hears the unblock signal (or polls), a moment after the task completed
        Await.until("the release of " + a + " consumed by the non-auxiliary worker", Duration.ofSeconds(30),
                () -> releasesOf(a) == 0);
        env.assertInvariants();
    }

    private static long releasesOf(String resource) {
        return env.pool().preparedQuery("SELECT count(*) FROM reservation_release WHERE resource = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(resource)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }
}
