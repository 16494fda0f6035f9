package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signals mode listen survives the loss of its LISTEN session: the worker reconnects, and tasks
 * dispatched after that are picked up on their signal again, not only by the slow safety poll.
 */
@Timeout(120)
class SignalsIT {
    /** Far below the 10 s safety poll: only a heard signal explains a pickup this fast. */
    private static final Duration HEARD = Duration.ofSeconds(3);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void aWorkerWhoseListenSessionIsKilledReconnectsAndHearsSignalsAgain() {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT).concurrency(1));
        assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(1)))).as("before").isLessThan(HEARD);

        List<Integer> killed = listenSessions();
        assertThat(killed).as("the worker's LISTEN session").isNotEmpty();
        terminate(killed);
        Await.until("a new LISTEN session", Duration.ofSeconds(30),
                () -> listenSessions().stream().anyMatch(pid -> !killed.contains(pid)));
        Await.until("the worker ready again", Duration.ofSeconds(30), worker::ready);

        for (int i = 0; i < 3; i++) {
            assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(2 + i))))
                    .as("a task dispatched after the reconnect is picked up on its signal").isLessThan(HEARD);
        }
        env.assertInvariants();
    }

    private static Duration pickupDelay(UUID id) {
        TaskRecord done = env.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        return Duration.between(done.createdAt(), done.startedAt());
    }

    private static List<Integer> listenSessions() {
        List<Integer> pids = new ArrayList<>();
        env.pool().query("""
                        SELECT pid FROM pg_stat_activity
                        WHERE datname = current_database() AND query LIKE 'LISTEN%'""")
                .execute().await().atMost(Duration.ofSeconds(30)).forEach(row -> pids.add(row.getInteger("pid")));
        return pids;
    }

    private static void terminate(List<Integer> pids) {
        env.pool().preparedQuery("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid")
                .execute(Tuple.of(pids.toArray(Integer[]::new))).await().atMost(Duration.ofSeconds(30));
    }
}
