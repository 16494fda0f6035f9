package dev.brigade.it.scenario;

import dev.brigade.core.db.SchemaVersion;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.TestDatabase;
import dev.brigade.it.check.InvariantChecker;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskReader;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.db.TestDispatcher;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first rollout: workers start on a database nobody has migrated. The api-server applies the
 * migrations; a worker holds no Flyway and no JDBC (no migration session per worker), so it must
 * wait, not ready and saying why, and start by itself once the api-server has migrated, in every
 * connection mode (through PgBouncer its one schema question goes through the pooler).
 */
@Timeout(240)
class RolloutIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void workersStartedBeforeTheMigrationWaitForItThenWork(ConnectionMode mode) {
        TestDatabase.Fresh empty = TestDatabase.createEmpty();
        String dbUrl = mode.throughPgBouncer() ? env.pgBouncer().url(empty.name()) : empty.url();

        List<WorkerProcess> workers = env.launchWorkers(2, WorkerSpec.of(mode).concurrency(2), dbUrl, empty.url());
        for (WorkerProcess worker : workers) {
            Await.until(worker + " says it waits for the schema", WAIT,
                    () -> worker.logText().contains("schema version " + SchemaVersion.REQUIRED + " is not applied yet"));
            // waiting is no reason for Kubernetes to restart the container
            Await.until(worker + " answers its started and live probes", WAIT, worker::startedAndLive);
            assertThat(worker.alive()).as("a worker without its schema waits, log %s", worker.log()).isTrue();
            assertThat(worker.ready()).as("a worker without its schema is not ready").isFalse();
            assertThat(worker.logText()).as("the worker holds no migration tooling of its own")
                    .containsPattern("Installed features: \\[")
                    .doesNotContain("flyway", "agroal", "jdbc-postgresql", "narayana-jta");
        }

        env.startApiServer(dbUrl, empty.url(), Map.of());
        workers.forEach(worker -> worker.awaitReady(WAIT));

        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = empty.pool(vertx, 2);
            List<UUID> ids = new TestDispatcher(pool).dispatchAll(IntStream.range(0, 20)
                    .mapToObj(i -> TaskSpec.echo(i).exclusive("repository:rollout-" + (i % 3))).toList(), 4);
            TaskReader tasks = new TaskReader(pool);
            List<TaskRecord> finished = Await.until("the 20 tasks finish", WAIT, () -> tasks.get(ids),
                    records -> records.stream().allMatch(r -> r.state().isFinal()));
            assertThat(finished).extracting(TaskRecord::state).containsOnly(TaskState.COMPLETED);
            InvariantChecker.assertHolds(tasks.all());
        } finally {
            vertx.closeAndAwait();
        }
    }
}
