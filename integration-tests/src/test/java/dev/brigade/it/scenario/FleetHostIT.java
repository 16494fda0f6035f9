package dev.brigade.it.scenario;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.FleetHostProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet benchmark's process of many worker identities (FleetHost) is a fleet to PostgreSQL
 * and to the relay: every identity registers its own row, takes work, receives its cancels and
 * deregisters on stop. In relay mode through PgBouncer, the mode the 1,000-worker figures are
 * taken in; if the hand wiring of the worker's classes drifted from the worker, this fails.
 */
class FleetHostIT {
    private static final int IDENTITIES = 24;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void everyIdentityIsAWorkerOfItsOwn() {
        FleetHostProcess fleet = env.startFleet(IDENTITIES, Duration.ofSeconds(2),
                WorkerSpec.of(ConnectionMode.PGBOUNCER_RELAY).concurrency(2));
        List<Row> rows = workerRows();
        assertThat(rows).as("one app_status row per identity").hasSize(IDENTITIES);
        assertThat(rows.stream().map(row -> row.getString("name")).distinct()).hasSize(IDENTITIES);

        List<UUID> echoes = IntStream.range(0, 3 * IDENTITIES).mapToObj(i -> env.dispatcher().dispatch(TaskSpec.echo(i))).toList();
        Set<String> ranOn = new HashSet<>();
        for (UUID id : echoes) {
            TaskRecord done = env.awaitFinal(id, WAIT);
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            ranOn.add(done.worker());
        }
        assertThat(ranOn).as("the relay wakes the identity waiting longest, so the work spreads").hasSizeGreaterThan(1);

        // a cancel reaches the identity that holds the task (the relay sends it to the holder only)
        List<UUID> sleepers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sleepers.add(env.dispatcher().dispatch(TaskSpec.sleep(120)));
        }
        sleepers.forEach(id -> env.awaitState(id, TaskState.RUNNING, WAIT));
        sleepers.forEach(id -> assertThat(env.dispatcher().cancel(id)).isEqualTo(TaskState.CANCELING));
        for (UUID id : sleepers) {
            assertThat(env.awaitFinal(id, Duration.ofSeconds(15)).state()).isEqualTo(TaskState.CANCELED);
        }

        fleet.terminate();
        assertThat(fleet.awaitExit(WAIT)).as("every identity stops as a worker does").isZero();
        assertThat(workerRows()).as("every identity deleted its row").isEmpty();
        env.assertInvariants();
    }

    private static List<Row> workerRows() {
        List<Row> rows = new ArrayList<>();
        env.pool().preparedQuery("SELECT name FROM app_status WHERE type = $1").execute(Tuple.of("worker"))
                .await().atMost(WAIT).forEach(rows::add);
        return rows;
    }
}
