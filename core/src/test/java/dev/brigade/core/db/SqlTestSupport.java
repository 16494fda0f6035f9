package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.TestDatabase;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A fresh migrated database per test, and the task moves the statements are tested with. */
abstract class SqlTestSupport {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The handler every task of these tests names (dispatch below), and so what their claims run. */
    static final String NAME = "brigade.echo";
    static final Set<String> HANDLERS = Set.of(NAME);
    Vertx vertx;
    TestDatabase.Fresh db;
    Pool pool;
    UUID me;

    @BeforeEach
    void openDatabase() {
        vertx = Vertx.vertx();
        db = TestDatabase.create();
        pool = db.pool(vertx, 8);
        me = register("worker");
    }

    @AfterEach
    void closeDatabase() {
        pool.closeAndAwait();
        vertx.closeAndAwait();
    }

    UUID register(String type) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery(AppStatusSql.REGISTER)
                .execute(Tuple.of(id, "test-" + id, type, "{\"brigade\":\"1.0.0\"}", 30.0, AdvertisedHandlerStore.NONE))
                .await().atMost(WAIT);
        return id;
    }

    /** Dispatches with the Dispatcher's own transaction (locks, insert, self check, signal). */
    UUID dispatch(List<String> exclusive, List<String> shared) {
        return dispatch(exclusive, shared, false, Map.of());
    }

    UUID dispatch(List<String> exclusive, List<String> shared, boolean immediate, Map<String, String> versions) {
        return dispatch(NAME, exclusive, shared, immediate, versions);
    }

    UUID dispatch(String name, List<String> exclusive, List<String> shared, boolean immediate,
                  Map<String, String> versions) {
        return dispatch(UUID.randomUUID(), name, exclusive, shared, immediate, versions);
    }

    UUID dispatch(UUID id, String name, List<String> exclusive, List<String> shared, boolean immediate,
                  Map<String, String> versions) {
        Reservations reservations = Reservations.of(exclusive, shared, "default");
        TaskStore.NewTask row = new TaskStore.NewTask(id, name, JsonNodeFactory.instance.objectNode(),
                "cid", reservations, immediate, true, null, null, versions);
        Dispatcher dispatcher = new Dispatcher(pool, new HandlerCatalog(pool, new TaskHandlers(List.of(), false),
                java.util.Set.of(), Duration.ZERO));
        pool.withTransaction(tx -> dispatcher.dispatchIn(tx, row)).await().atMost(WAIT);
        return id;
    }

    Task task(UUID id) {
        return TaskStore.findById(pool, id).await().atMost(WAIT).orElseThrow();
    }

    boolean unblocked(UUID id) {
        return task(id).unblockedAt() != null;
    }

    /** Claims one task and, when it was waiting, starts it, as a worker does once it has a slot for it. */
    Optional<Task> claim(UUID who, Map<String, String> versions) {
        Optional<Task> claimed = TaskStore.claimNext(pool, new TaskStore.ClaimNext(who, "test@host", versions, HANDLERS))
                .await().atMost(WAIT);
        claimed.filter(t -> t.state() == TaskState.WAITING).ifPresent(t ->
                TaskBatchStore.start(pool, List.of(t.id()), who, "test@host").await().atMost(WAIT));
        return claimed.map(t -> TaskStore.findByIdWithArgs(pool, t.id()).await().atMost(WAIT).orElseThrow());
    }

    Optional<Task> claim() {
        return claim(me, Map.of("brigade", "1.0.0"));
    }

    /** Claims, runs (no-op) and completes this exact task; fails the test if it was not claimable. */
    void runToCompletion(UUID id) {
        Task claimed = claim().orElseThrow(() -> new AssertionError("nothing claimable, expected " + id));
        if (!claimed.id().equals(id)) {
            throw new AssertionError("claimed " + claimed.id() + " but expected " + id);
        }
        TaskStore.setRunning(pool, id, me).await().atMost(WAIT).orElseThrow();
        finish(claimed, TaskState.COMPLETED);
    }

    Optional<TaskState> finish(Task task, TaskState state) {
        return pool.withTransaction(tx -> TaskStore.lockResources(tx, task.reservations())
                        .chain(() -> TaskStore.finish(tx, new TaskStore.Finish(task.id(), me, state, null, null,
                                TaskState.CANCELED, null))))
                .await().atMost(WAIT);
    }

    long unblockReleased() {
        long stamped = 0;
        while (true) {
            TaskBatchStore.UnblockStep step = TaskBatchStore.unblockStep(pool, 1000).await().atMost(WAIT);
            stamped += step.stamped();
            if (!step.acquired() || step.consumed() == 0) { // skipped: the holder's last look sees ours
                return stamped;
            }
        }
    }

    long count(String sql) {
        return pool.query(sql).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    static String signalName() {
        return Signal.Channel.WAKEUP.pgName();
    }
}
