package dev.brigade.it.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.client.jdbc.JdbcDispatcher;
import dev.brigade.client.rest.BrigadeApi;
import dev.brigade.client.rest.BrigadeApiException;
import dev.brigade.client.rest.BulkDispatch;
import dev.brigade.client.rest.BulkTasks;
import dev.brigade.client.rest.HandlerView;
import dev.brigade.client.rest.Page;
import dev.brigade.client.rest.Problem;
import dev.brigade.client.rest.TaskDispatch;
import dev.brigade.client.rest.TaskView;
import dev.brigade.core.config.DatabaseUrls;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Tuple;
import org.eclipse.microprofile.rest.client.spi.RestClientBuilderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application's two ways to dispatch, against the real programs: the typed REST client
 * against the api-server process (dispatch, bulk, get, list, cancel, handlers, a refused
 * dispatch's problem), and the JDBC dispatch in the application's own transaction, whose
 * committed task the worker process runs and whose rolled-back one never exists. One connection
 * mode (direct): what is under test is the client side, the modes are the programs' own tests.
 */
@Timeout(150)
class DispatchFromCodeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    /**
     * As an application on a plain JVM builds it, but from the resolver itself: RestClientBuilder.
     * newBuilder() also calls every RestClientListener on the classpath, and the worker's
     * (here for the fleet benchmark) brings Quarkus Micrometer's, which needs Quarkus's own client.
     */
    private static BrigadeApi client(ApiServerProcess api) {
        return RestClientBuilderResolver.instance().newBuilder().baseUri(api.uri("")).build(BrigadeApi.class);
    }

    private static TaskView awaitFinal(BrigadeApi brigade, UUID id) {
        return Await.until("task " + id + " final", WAIT, () -> brigade.task(id), TaskView::isFinal);
    }

    @Test
    void theRestClientDispatchesReadsListsCancelsAndListsHandlers() {
        ApiServerProcess api = env.startApiServer(ConnectionMode.DIRECT, Map.of("brigade.handlers.known", "app.later"));
        WorkerProcess worker = env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT));
        BrigadeApi brigade = client(api);

        Page<HandlerView> handlers = Await.until("the worker's handlers listed", WAIT, brigade::handlers,
                page -> page.results().stream().anyMatch(h -> h.name().equals("brigade.sleep") && !h.workers().isEmpty()));
        HandlerView sleep = handlers.results().stream().filter(h -> h.name().equals("brigade.sleep")).findFirst().orElseThrow();
        assertThat(sleep.workers()).anyMatch(w -> worker.named(w.name()));
        assertThat(handlers.results()).filteredOn(h -> h.name().equals("app.later")).singleElement()
                .satisfies(h -> assertThat(h.configured()).isTrue());

        TaskView echo = brigade.dispatch("order-17", TaskDispatch.of("brigade.echo",
                JsonNodeFactory.instance.objectNode().put("value", 17)).withResources(List.of("order:17"), List.of()));
        assertThat(echo.state()).isEqualTo("waiting");
        assertThat(echo.loggingCid()).isEqualTo("order-17");
        assertThat(echo.reservedResources()).contains("order:17", "shared:domain:default");
        TaskView echoed = awaitFinal(brigade, echo.id());
        assertThat(echoed.state()).isEqualTo("completed");
        assertThat(echoed.result().asInt()).isEqualTo(17);
        assertThat(echoed.finishedAt()).isAfterOrEqualTo(echoed.createdAt());

        BulkTasks bulk = brigade.dispatchBulk(new BulkDispatch(List.of(
                TaskDispatch.of("brigade.echo", JsonNodeFactory.instance.objectNode().put("value", 1))
                        .withResources(List.of("order:18"), List.of()),
                TaskDispatch.of("brigade.echo", JsonNodeFactory.instance.objectNode().put("value", 2))
                        .withResources(List.of("order:18"), List.of()))));
        assertThat(bulk.tasks()).hasSize(2);
        List<TaskView> bulkDone = bulk.tasks().stream().map(t -> awaitFinal(brigade, t.id())).toList();
        assertThat(bulkDone).extracting(TaskView::state).containsOnly("completed");
        assertThat(bulkDone.get(1).startedAt()).as("FIFO on order:18").isAfterOrEqualTo(bulkDone.get(0).finishedAt());

        TaskView sleeper = brigade.dispatch(TaskDispatch.of("brigade.sleep",
                JsonNodeFactory.instance.objectNode().put("seconds", 120)));
        Await.until("the sleeper running", WAIT, () -> brigade.task(sleeper.id()), t -> t.state().equals("running"));
        assertThat(brigade.cancel(sleeper.id()).state()).isIn("canceling", "canceled");
        assertThat(awaitFinal(brigade, sleeper.id()).state()).isEqualTo("canceled");

        Page<TaskView> completed = brigade.tasks("completed", "brigade.echo", null, null, 10, 0);
        assertThat(completed.count()).isEqualTo(3);
        assertThat(completed.results()).extracting(TaskView::id)
                .containsExactlyInAnyOrder(echo.id(), bulk.tasks().get(0).id(), bulk.tasks().get(1).id());
        assertThat(brigade.tasks(null, null, null, "order:18", null, null).results()).hasSize(2);

        assertThatThrownBy(() -> brigade.dispatch(TaskDispatch.of("app.unheard-of", null)))
                .isInstanceOfSatisfying(BrigadeApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(Problem.FieldProblem::field).containsExactly("name");
                    assertThat(e.errors().getFirst().message()).contains("app.later", "brigade.echo");
                });
        assertThatThrownBy(() -> brigade.task(UUID.randomUUID()))
                .isInstanceOfSatisfying(BrigadeApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> brigade.cancel(echo.id()))
                .as("a completed task cannot be canceled")
                .isInstanceOfSatisfying(BrigadeApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        env.assertInvariants(Set.of());
    }

    @Test
    void aTaskDispatchedOverJdbcRunsOnCommitAndNeverExistsAfterARollback() throws Exception {
        env.startWorker(WorkerSpec.of(ConnectionMode.DIRECT));
        String jdbcUrl = DatabaseUrls.parse(env.dbUrl(ConnectionMode.DIRECT)).jdbc();
        JdbcDispatcher brigade = JdbcDispatcher.builder().build();
        UUID committed;
        UUID rolledBack;
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            connection.setAutoCommit(false);
            Task first = Await.until("the worker's names advertised", WAIT, () -> {
                try {
                    return brigade.dispatch(connection, DispatchRequest.of("brigade.echo",
                            JsonNodeFactory.instance.objectNode().put("value", "rolled back")));
                } catch (dev.brigade.core.error.InvalidRequestException e) {
                    return null; // the worker has not registered yet
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, task -> task != null);
            rolledBack = first.id();
            connection.rollback();

            committed = brigade.dispatch(connection, DispatchRequest.of("brigade.echo",
                    JsonNodeFactory.instance.objectNode().put("value", "committed"))).id();
            connection.commit();
        }
        assertThat(env.awaitFinal(committed, WAIT).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(env.pool().preparedQuery("SELECT count(*) FROM task WHERE id = $1").execute(Tuple.of(rolledBack))
                .await().atMost(WAIT).iterator().next().getLong(0)).as("the rolled-back task").isZero();
        env.assertInvariants(Set.of());
    }
}
