package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Burst mode drains the queue and exits; auxiliary workers claim and run but never unblock. */
@Timeout(180)
class BurstAndAuxiliaryIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void aBurstWorkerDrainsTheQueueThenExitsCleanly() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(env.dispatcher().dispatch(TaskSpec.echo(i).exclusive("burst:" + (i % 3))));
        }
        WorkerProcess burst = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT).concurrency(2)
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

    @Test
    void anAuxiliaryWorkerRunsFreeTasksButLeavesUnblockingToOthers() {
        WorkerProcess auxiliary = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT)
                .with("brigade.worker.auxiliary", "true"));
        UUID first = env.dispatcher().dispatch(TaskSpec.echo(1).exclusive("aux:A"));
        UUID second = env.dispatcher().dispatch(TaskSpec.echo(2).exclusive("aux:A"));
        assertThat(env.awaitFinal(first, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        // the release of aux:A waits for an unblocker: the auxiliary worker never consumes it
        assertThat(releasesOf("aux:A")).isEqualTo(1);
        assertThat(env.tasks().get(second).unblockedAt()).isNull();
        env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT));
        assertThat(env.awaitFinal(second, Duration.ofSeconds(30)).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(auxiliary.alive()).isTrue();
        // if the auxiliary worker ran the second task, its release is consumed after the other
        // worker hears the unblock signal, a moment after the task completed
        Await.until("the release of aux:A consumed by the non-auxiliary worker", Duration.ofSeconds(30),
                () -> releasesOf("aux:A") == 0);
        env.assertInvariants();
    }

    private static long releasesOf(String resource) {
        return env.pool().preparedQuery("SELECT count(*) FROM reservation_release WHERE resource = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(resource)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }
}
