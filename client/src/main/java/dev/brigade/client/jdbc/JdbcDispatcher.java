package dev.brigade.client.jdbc;

import dev.brigade.core.db.DispatchArrays;
import dev.brigade.core.db.TaskSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.DispatchRules;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Dispatches Brigade tasks on an application's own JDBC connection (pgjdbc), inside whatever
 * transaction it has open: the tasks commit with the application's rows, or not at all. Needs no
 * Quarkus and no Vert.x; safe to share between threads (it holds no connection).
 * See docs/dispatch-from-code.md.
 *
 * <pre>{@code
 * JdbcDispatcher brigade = JdbcDispatcher.builder().knownHandlers(Set.of("repo.sync")).build();
 * connection.setAutoCommit(false);
 * insertOrder(connection, order);
 * Task task = brigade.dispatch(connection, DispatchRequest.of("repo.sync", args)
 *         .withResources(List.of("repository:42"), List.of()));
 * connection.commit();   // the task and the order together; workers are woken now
 * }</pre>
 *
 * <ul>
 * <li>The request is checked as the REST API checks it, before any statement runs
 * ({@link InvalidRequestException} naming every bad field, {@link PayloadTooLargeException}
 * for args over 1 MiB): nothing is written and the transaction stays usable. The name must be
 * one a live worker advertises or one given to {@link Builder#knownHandlers}. Immediate tasks
 * are refused ({@link DispatchRules#IMMEDIATE_IN_TRANSACTION}).</li>
 * <li>A task group or parent task that does not exist: {@link InvalidRequestException} on
 * {@code task_group} / {@code parent_task}. That one comes from the database, so the
 * transaction is aborted: roll it back. Any other failure is the driver's SQLException.</li>
 * <li>The wake-up (NOTIFY inside the dispatch function) is delivered when the transaction
 * commits, and dropped with a rollback. With auto-commit on, each dispatch commits at once.</li>
 * <li>The dispatch holds its resources' advisory locks until the transaction ends: commit soon
 * after it, as other dispatches and completions of conflicting tasks wait for them.</li>
 * </ul>
 */
public final class JdbcDispatcher {
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private final JdbcHandlerNames names;

    private JdbcDispatcher(JdbcHandlerNames names) {
        this.names = names;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How a dispatcher checks names. */
    public static final class Builder {
        private Set<String> known = Set.of();
        private Duration advertisedTtl = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Names accepted even when no live worker advertises them (the programs'
         * {@code brigade.handlers.known}): for a fleet scaled to zero, whose tasks wait for a
         * worker that runs them.
         */
        public Builder knownHandlers(Collection<String> names) {
            this.known = Set.copyOf(names);
            return this;
        }

        /**
         * How long the names read from the workers' rows are trusted before they are read again
         * (the programs' {@code brigade.handlers.advertised-ttl}, 10 s by default); a name not
         * among them is looked up at once anyway.
         */
        public Builder advertisedTtl(Duration ttl) {
            this.advertisedTtl = ttl;
            return this;
        }

        public JdbcDispatcher build() {
            return new JdbcDispatcher(new JdbcHandlerNames(known, advertisedTtl));
        }
    }

    /** Dispatches one task in the connection's transaction; the task as written ({@code waiting}). */
    public Task dispatch(Connection connection, DispatchRequest request) throws SQLException {
        return dispatchAll(connection, List.of(request)).getFirst();
    }

    /**
     * Dispatches tasks in the connection's transaction, in one statement, all or nothing, in the
     * order given (conflicting ones run in that order); with several, bad fields are named
     * {@code tasks[i].field}.
     */
    public List<Task> dispatchAll(Connection connection, List<DispatchRequest> requests) throws SQLException {
        List<String> taskNames = requests.stream().map(r -> r == null ? null : r.name()).toList();
        List<TaskStore.NewTask> rows = DispatchRules.validateForTransaction(requests,
                names.knowing(connection, taskNames));
        Map<UUID, Written> written = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TaskSql.DISPATCH_JDBC)) {
            bind(connection, statement, DispatchArrays.of(rows));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    written.put(result.getObject("id", UUID.class), new Written(
                            result.getObject("created_at", OffsetDateTime.class),
                            result.getObject("unblocked_at", OffsetDateTime.class)));
                }
            }
        } catch (SQLException e) {
            throw callersError(e).orElseThrow(() -> e);
        }
        List<Task> tasks = new ArrayList<>(rows.size());
        for (TaskStore.NewTask row : rows) {
            Written w = written.get(row.id());
            if (w == null) {
                throw new IllegalStateException("dispatch wrote no row for task " + row.id());
            }
            tasks.add(DispatchRules.asWritten(row, w.createdAt(), w.unblockedAt()));
        }
        return tasks;
    }

    private record Written(OffsetDateTime createdAt, OffsetDateTime unblockedAt) {
    }

    /** $1..$16 of TaskSql.DISPATCH_JDBC, in DispatchArrays' order. */
    private static void bind(Connection connection, PreparedStatement statement, DispatchArrays a) throws SQLException {
        statement.setArray(1, connection.createArrayOf("uuid", a.ids()));
        statement.setArray(2, connection.createArrayOf("text", a.names()));
        statement.setArray(3, connection.createArrayOf("text", a.args()));
        statement.setArray(4, connection.createArrayOf("text", a.loggingCids()));
        statement.setArray(5, connection.createArrayOf("bool", a.immediate()));
        statement.setArray(6, connection.createArrayOf("bool", a.deferred()));
        statement.setArray(7, connection.createArrayOf("text", a.domains()));
        statement.setArray(8, connection.createArrayOf("uuid", a.parents()));
        statement.setArray(9, connection.createArrayOf("uuid", a.groups()));
        statement.setArray(10, connection.createArrayOf("text", a.versions()));
        statement.setArray(11, connection.createArrayOf("int4", a.resourceTask()));
        statement.setArray(12, connection.createArrayOf("text", a.resource()));
        statement.setArray(13, connection.createArrayOf("bool", a.resourceExclusive()));
        statement.setArray(14, connection.createArrayOf("text", a.resourceEncoded()));
        statement.setString(15, a.notifyChannel());
        statement.setString(16, a.notifyPayload());
    }

    /** A foreign key the caller named wrong (task group, parent task); anything else stays the driver's. */
    private static Optional<InvalidRequestException> callersError(SQLException e) {
        if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState()) && e instanceof PSQLException pg
                && pg.getServerErrorMessage() != null) {
            return DispatchRules.foreignKeyViolation(pg.getServerErrorMessage().getConstraint());
        }
        return Optional.empty();
    }
}
