package dev.brigade.client.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.TestDatabase;
import dev.brigade.core.testing.WakeupListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dispatch on an application's own JDBC connection, on the classpath a JDBC application has (no
 * Quarkus, no Vert.x): the task commits with the application's row or not at all, its signal
 * comes on commit only, and a bad request writes nothing.
 */
class JdbcDispatcherTest {
    private TestDatabase.Fresh db;
    private Connection connection;
    private final JdbcDispatcher brigade = JdbcDispatcher.builder().knownHandlers(Set.of("app.report"))
            .advertisedTtl(Duration.ofSeconds(10)).build();

    @BeforeEach
    void open() throws SQLException {
        db = TestDatabase.create();
        connection = DriverManager.getConnection(db.jdbcUrl());
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE app_order (id uuid PRIMARY KEY, task uuid)");
        }
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private static DispatchRequest report(String value) {
        return DispatchRequest.of("app.report", JsonNodeFactory.instance.objectNode().put("value", value));
    }

    private void insertOrder(UUID order, UUID task) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO app_order VALUES (?, ?)")) {
            insert.setObject(1, order);
            insert.setObject(2, task);
            insert.executeUpdate();
        }
    }

    /** Counted on a connection of its own: what others see, committed only. */
    private long count(String sql, Object... params) throws SQLException {
        try (Connection other = DriverManager.getConnection(db.jdbcUrl());
             PreparedStatement query = other.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void runsWithoutQuarkusOrVertx() {
        for (String absent : List.of("io.quarkus.arc.Arc", "io.vertx.sqlclient.Pool", "io.smallrye.mutiny.Uni")) {
            assertThatThrownBy(() -> Class.forName(absent)).as(absent).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void onCommitTheTaskAndTheApplicationsRowExistAndAWorkerIsWoken() throws SQLException {
        UUID order = UUID.randomUUID();
        try (WakeupListener listener = new WakeupListener(db.jdbcUrl())) {
            Task task = brigade.dispatch(connection, report("committed"));
            insertOrder(order, task.id());
            assertThat(count("SELECT count(*) FROM task WHERE id = ?", task.id()))
                    .as("not visible before the commit").isZero();
            connection.commit();
            assertThat(task.state()).isEqualTo(TaskState.WAITING);
            assertThat(task.unblockedAt()).as("free at once").isNotNull();
            assertThat(count("SELECT count(*) FROM task WHERE id = ? AND state = 'waiting' AND name = 'app.report'"
                    + " AND args ->> 'value' = 'committed' AND logging_cid = ?", task.id(), task.loggingCid())).isOne();
            assertThat(count("SELECT count(*) FROM app_order WHERE id = ? AND task = ?", order, task.id())).isOne();
            assertThat(listener.awaitHandle()).as("the handle signal, delivered on commit").isTrue();
        }
    }

    @Test
    void onRollbackNothingIsWrittenAndNobodyIsWoken() throws SQLException {
        UUID order = UUID.randomUUID();
        try (WakeupListener listener = new WakeupListener(db.jdbcUrl())) {
            listener.signalsUntilMarker();
            Task task = brigade.dispatch(connection, report("rolled back")
                    .withResources(List.of("report:1"), List.of()));
            insertOrder(order, task.id());
            connection.rollback();
            assertThat(count("SELECT count(*) FROM task WHERE id = ?", task.id())).isZero();
            assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = ?", task.id())).isZero();
            assertThat(count("SELECT count(*) FROM app_order WHERE id = ?", order)).isZero();
            assertThat(listener.signalsUntilMarker()).as("nothing was signaled").isEmpty();
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownNamesAndTheTransactionGoesOn() throws SQLException {
        UUID order = UUID.randomUUID();
        assertThatThrownBy(() -> brigade.dispatch(connection, DispatchRequest.of("app.unheard-of", null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> {
                            assertThat(error.field()).isEqualTo("name");
                            assertThat(error.message()).contains("no task handler is named 'app.unheard-of'")
                                    .contains("the known names: app.report");
                        }));
        insertOrder(order, null);
        connection.commit();
        assertThat(count("SELECT count(*) FROM task")).isZero();
        assertThat(count("SELECT count(*) FROM app_order WHERE id = ?", order))
                .as("a refusal runs no statement: the transaction was still usable").isOne();
    }

    @Test
    void aNameALiveWorkerAdvertisesIsAcceptedAndOneOnlyAMissingWorkerHadIsNot() throws SQLException {
        try (PreparedStatement register = connection.prepareStatement("""
                INSERT INTO app_status (id, name, type, versions, ttl, last_heartbeat, started_at, handlers)
                VALUES (?, ?, 'worker', '{}', interval '30 seconds', now() - ?::interval, now(), ?::jsonb)""")) {
            register.setObject(1, UUID.randomUUID());
            register.setString(2, "1@live");
            register.setString(3, "0 seconds");
            register.setString(4, "{\"repo.sync\": {\"may_run_immediately\": false}}");
            register.executeUpdate();
            register.setObject(1, UUID.randomUUID());
            register.setString(2, "2@gone");
            register.setString(3, "1 hour");
            register.setString(4, "{\"repo.gone\": {\"may_run_immediately\": true}}");
            register.executeUpdate();
        }
        connection.commit();
        Task task = brigade.dispatch(connection, DispatchRequest.of("repo.sync", null));
        assertThatThrownBy(() -> brigade.dispatch(connection, DispatchRequest.of("repo.gone", null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("name"));
        connection.commit();
        assertThat(count("SELECT count(*) FROM task WHERE id = ? AND name = 'repo.sync'", task.id())).isOne();
        assertThat(count("SELECT count(*) FROM task")).isOne();
    }

    @Test
    void badArgsResourcesAndAnImmediateTaskAreRefusedWithEveryFieldNamedAndNothingWritten() throws SQLException {
        DispatchRequest bad = new DispatchRequest("app.report", JsonNodeFactory.instance.textNode("x"),
                List.of("shared:x"), List.of(), true, true, null, null, null, null, "a\nb");
        assertThatThrownBy(() -> brigade.dispatch(connection, bad))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactlyInAnyOrder("args", "immediate", "logging_cid", "exclusive_resources[0]"));
        connection.commit();
        assertThat(count("SELECT count(*) FROM task")).isZero();
    }

    @Test
    void manyTasksCommitTogetherInOrderOrABadOneRefusesThemAll() throws SQLException {
        assertThatThrownBy(() -> brigade.dispatchAll(connection, List.of(report("a"), DispatchRequest.of(null, null))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("tasks[1].name"));
        List<Task> tasks = brigade.dispatchAll(connection, List.of(
                report("first").withResources(List.of("report:1"), List.of()),
                report("second").withResources(List.of("report:1"), List.of())));
        connection.commit();
        assertThat(count("SELECT count(*) FROM task")).isEqualTo(2);
        assertThat(tasks.get(0).unblockedAt()).as("free at once").isNotNull();
        assertThat(tasks.get(1).unblockedAt()).as("waits for the first (FIFO, exclusive)").isNull();
        assertThat(count("SELECT count(*) FROM task WHERE id = ? AND unblocked_at IS NULL", tasks.get(1).id())).isOne();
    }

    @Test
    void aTaskGroupThatDoesNotExistIsTheCallersErrorAndAbortsTheTransaction() throws SQLException {
        DispatchRequest request = new DispatchRequest("app.report", null, null, null, false, true, UUID.randomUUID(),
                null, null, null, null);
        assertThatThrownBy(() -> brigade.dispatch(connection, request))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("task_group"));
        assertThatThrownBy(() -> insertOrder(UUID.randomUUID(), null))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
        connection.rollback();
        assertThat(count("SELECT count(*) FROM task")).isZero();
    }
}
