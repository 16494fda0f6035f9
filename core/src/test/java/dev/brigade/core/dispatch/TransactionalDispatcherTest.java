package dev.brigade.core.dispatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.AdvertisedHandlerStore;
import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.PostgresTestResource;
import dev.brigade.core.testing.WakeupListener;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dispatch in an application's own Vert.x transaction, from a Quarkus application that depends
 * on core (this test is one: core's beans, a reactive pool on a fresh migrated database): the
 * task commits with the application's row or not at all, its signal comes on commit only, and a
 * bad request writes nothing.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(TransactionalDispatcherTest.KnownReport.class)
class TransactionalDispatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A name known by configuration only, as an application of a fleet scaled to zero has it. */
    public static class KnownReport implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.db-kind", "postgresql", "brigade.handlers.known", "app.report");
        }
    }

    @Inject
    TransactionalDispatcher dispatcher;
    @Inject
    Pool pool;
    @ConfigProperty(name = "brigade.db.direct-jdbc-url")
    String jdbcUrl;

    @BeforeEach
    void applicationTable() {
        pool.query("CREATE TABLE IF NOT EXISTS app_order (id uuid PRIMARY KEY, task uuid)").execute().await().atMost(WAIT);
    }

    private Uni<Task> orderAndDispatch(SqlClient tx, UUID order, DispatchRequest request) {
        return dispatcher.dispatch(tx, request).call(task -> tx.preparedQuery("INSERT INTO app_order VALUES ($1, $2)")
                .execute(Tuple.of(order, task.id())));
    }

    private static DispatchRequest report(String value) {
        return DispatchRequest.of("app.report", JsonNodeFactory.instance.objectNode().put("value", value));
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void onCommitTheTaskAndTheApplicationsRowExistAndAWorkerIsWoken() {
        UUID order = UUID.randomUUID();
        try (WakeupListener listener = new WakeupListener(jdbcUrl)) {
            Task task = pool.withTransaction(tx -> orderAndDispatch(tx, order, report("committed")))
                    .await().atMost(WAIT);
            assertThat(task.state()).isEqualTo(TaskState.WAITING);
            assertThat(task.name()).isEqualTo("app.report");
            assertThat(count("SELECT count(*) FROM task WHERE id = $1 AND state = 'waiting' AND args ->> 'value' = 'committed'",
                    task.id())).isOne();
            assertThat(count("SELECT count(*) FROM app_order WHERE id = $1 AND task = $2", order, task.id())).isOne();
            assertThat(listener.awaitHandleSignal()).as("the handle signal, delivered on commit, naming its handler")
                    .contains(HandleSignal.of(java.util.Set.of("app.report")));
        }
    }

    @Test
    void onRollbackNothingIsWrittenAndNobodyIsWoken() {
        UUID order = UUID.randomUUID();
        UUID[] dispatched = new UUID[1];
        try (WakeupListener listener = new WakeupListener(jdbcUrl)) {
            listener.signalsUntilMarker();
            assertThatThrownBy(() -> pool.withTransaction(tx -> orderAndDispatch(tx, order, report("rolled back"))
                            .invoke(task -> dispatched[0] = task.id())
                            .chain(task -> Uni.createFrom().failure(new IllegalStateException("the application changes its mind"))))
                    .await().atMost(WAIT))
                    .hasMessageContaining("changes its mind");
            assertThat(dispatched[0]).as("the dispatch itself ran").isNotNull();
            assertThat(count("SELECT count(*) FROM task WHERE id = $1", dispatched[0])).isZero();
            assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = $1", dispatched[0])).isZero();
            assertThat(count("SELECT count(*) FROM app_order WHERE id = $1", order)).isZero();
            assertThat(listener.signalsUntilMarker()).as("nothing was signaled").isEmpty();
        }
    }

    @Test
    void aNameNoWorkerAdvertisesAndNobodyConfiguredIsRefusedAndTheTransactionGoesOn() {
        UUID order = UUID.randomUUID();
        long tasksBefore = count("SELECT count(*) FROM task");
        InvalidRequestException refused = pool.withTransaction(tx ->
                        dispatcher.dispatch(tx, DispatchRequest.of("app.unheard-of", null))
                                .map(task -> (InvalidRequestException) null)
                                .onFailure(InvalidRequestException.class).recoverWithItem(e -> (InvalidRequestException) e)
                                .call(() -> tx.preparedQuery("INSERT INTO app_order VALUES ($1, NULL)").execute(Tuple.of(order))))
                .await().atMost(WAIT);
        assertThat(refused).isNotNull();
        assertThat(refused.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("name");
            assertThat(error.message()).contains("no task handler is named 'app.unheard-of'").contains("app.report");
        });
        assertThat(count("SELECT count(*) FROM task")).isEqualTo(tasksBefore);
        assertThat(count("SELECT count(*) FROM app_order WHERE id = $1", order))
                .as("a refusal runs no statement: the caller's transaction was still usable").isOne();
    }

    @Test
    void aNameALiveWorkerAdvertisesIsAccepted() {
        UUID worker = UUID.randomUUID();
        TaskHandler sync = new TaskHandler() {
            @Override
            public String name() {
                return "repo.sync";
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode run(com.fasterxml.jackson.databind.JsonNode args, TaskContext context) {
                return null;
            }
        };
        pool.preparedQuery(AppStatusSql.REGISTER)
                .execute(Tuple.of(worker, "7@host", "worker", "{}", 30.0, AdvertisedHandlerStore.encode(List.of(sync))))
                .await().atMost(WAIT);
        Task task = pool.withTransaction(tx -> dispatcher.dispatch(tx, DispatchRequest.of("repo.sync", null)
                        .withResources(List.of("repository:1"), List.of())))
                .await().atMost(WAIT);
        assertThat(task.reservations().encoded()).contains("repository:1", "shared:domain:default");
        assertThat(count("SELECT count(*) FROM task WHERE id = $1", task.id())).isOne();
    }

    @Test
    void badArgsAndAnImmediateTaskAreRefusedWithEveryFieldNamedAndNothingWritten() {
        long tasksBefore = count("SELECT count(*) FROM task");
        DispatchRequest bad = new DispatchRequest("app.report", JsonNodeFactory.instance.arrayNode(), List.of("shared:x"),
                List.of(), true, true, null, null, null, null, null);
        assertThatThrownBy(() -> pool.withTransaction(tx -> dispatcher.dispatch(tx, bad)).await().atMost(WAIT))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("args", "immediate", "exclusive_resources[0]"));
        assertThat(count("SELECT count(*) FROM task")).isEqualTo(tasksBefore);
    }

    @Test
    void manyTasksCommitTogetherOrABadOneRefusesThemAll() {
        long tasksBefore = count("SELECT count(*) FROM task");
        assertThatThrownBy(() -> pool.withTransaction(tx -> dispatcher.dispatchAll(tx,
                        List.of(report("a"), DispatchRequest.of("", null)))).await().atMost(WAIT))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("tasks[1].name"));
        assertThat(count("SELECT count(*) FROM task")).isEqualTo(tasksBefore);

        List<Task> tasks = pool.withTransaction(tx -> dispatcher.dispatchAll(tx, List.of(
                        report("first").withResources(List.of("report:1"), List.of()),
                        report("second").withResources(List.of("report:1"), List.of()))))
                .await().atMost(WAIT);
        assertThat(tasks).extracting(Task::createdAt).isSorted();
        assertThat(tasks.get(0).unblockedAt()).as("free at once").isNotNull();
        assertThat(tasks.get(1).unblockedAt()).as("waits for the first (FIFO, exclusive)").isNull();
    }

    @Test
    void aTaskGroupThatDoesNotExistIsTheCallersError() {
        DispatchRequest request = new DispatchRequest("app.report", null, null, null, false, true, UUID.randomUUID(),
                null, null, null, null);
        assertThatThrownBy(() -> pool.withTransaction(tx -> dispatcher.dispatch(tx, request)).await().atMost(WAIT))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("task_group"));
    }
}
