package dev.brigade.core.dispatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.db.Json;
import dev.brigade.core.db.TaskScheduleSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.task.DispatchRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dispatches due task schedules, each in the transaction that locks the schedule row and moves it
 * on, so a schedule fires once per slot even with many janitors. A schedule whose task cannot be
 * dispatched (no process knows its handler's name any more, say) is disabled with a log line
 * instead of failing every run. Names are checked as any dispatch checks them ({@link
 * HandlerCatalog}): a worker's own handlers, {@code brigade.handlers.known}, and what live workers
 * advertise, so a schedule of a handler only other workers run still fires.
 */
@ApplicationScoped
public class ScheduleDispatcher {
    private static final Logger LOG = Logger.getLogger(ScheduleDispatcher.class);
    private static final int BATCH = 50;

    private final Pool pool;
    private final Dispatcher dispatcher;
    private final HandlerCatalog catalog;

    public ScheduleDispatcher(Pool pool, Dispatcher dispatcher, HandlerCatalog catalog) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.catalog = catalog;
    }

    /** Dispatches every due schedule; how many tasks it dispatched. */
    public Uni<Integer> dispatchDue() {
        return pool.withTransaction(tx -> tx.preparedQuery(TaskScheduleSql.SELECT_DUE_FOR_UPDATE).execute(Tuple.of(BATCH))
                .chain(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    if (due.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // read on this transaction's connection: the janitor's pool is small, and a second
                    // connection held while this one waits could run it dry
                    return catalog.knowing(tx, due.stream().map(row -> row.getString("task_name")).toList())
                            .chain(known -> dispatchAll(tx, due, known));
                }));
    }

    private Uni<Integer> dispatchAll(SqlClient tx, List<Row> due, KnownHandlers known) {
        return Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(row -> {
                    DispatchRequest request = DispatchRequest.of(row.getString("task_name"),
                            Json.parse(row.getString("args")));
                    TaskStore.NewTask newTask;
                    try {
                        newTask = dispatcher.validate(request, known);
                    } catch (InvalidRequestException | PayloadTooLargeException e) {
                        LOG.errorf("schedule %s cannot dispatch its task (%s); it is disabled",
                                row.getString("name"), e.getMessage());
                        return tx.preparedQuery(TaskScheduleSql.DISABLE).execute(Tuple.of(row.getUUID("id")))
                                .replaceWith(0);
                    }
                    return dispatcher.dispatchIn(tx, newTask)
                            .call(d -> tx.preparedQuery(TaskScheduleSql.MARK_DISPATCHED)
                                    .execute(Tuple.of(row.getUUID("id"), d.task().id())))
                            .invoke(d -> LOG.infof("schedule %s dispatched task %s", row.getString("name"),
                                    d.task().id()))
                            .replaceWith(1);
                })
                .collect().asList()
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    /** Aligns the built-in retention schedule with {@code brigade.retention} (empty: off). */
    public Uni<Void> applyRetention(Optional<Duration> retention) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("older_than", retention.orElse(Duration.ofDays(30)).toString());
        args.putArray("states").add("completed");
        return pool.preparedQuery(TaskScheduleSql.SET_RETENTION)
                .execute(Tuple.of(Json.write(args), retention.isPresent()))
                .replaceWithVoid();
    }

}
