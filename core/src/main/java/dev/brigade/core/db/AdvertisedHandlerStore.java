package dev.brigade.core.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.handler.TaskHandler;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The handler names workers advertise in their app_status row ({@code handlers}): written once at
 * registration, read by dispatch and by the handlers listing (see {@link AppStatusSql}). This class
 * is the one place that knows the column's shape: {@code {"name": {"may_run_immediately": bool}}}.
 */
public final class AdvertisedHandlerStore {
    /** What a process writes when it advertises nothing (an api-server). */
    public static final String NONE = "{}";

    private AdvertisedHandlerStore() {
    }

    /** One live worker that advertises a handler name. */
    public record WorkerHandler(String name, String worker, boolean mayRunImmediately) {
    }

    /** The {@code handlers} column of a process that runs these handlers. */
    public static String encode(Collection<TaskHandler> handlers) {
        ObjectNode advertised = JsonNodeFactory.instance.objectNode();
        for (TaskHandler handler : handlers) {
            advertised.putObject(handler.name()).put("may_run_immediately", handler.mayRunImmediately());
        }
        return Json.write(advertised);
    }

    /** Every name live workers advertise, with whether all of them say it may run immediately. */
    public static Uni<Map<String, Boolean>> advertised(SqlClient client) {
        return client.preparedQuery(AppStatusSql.SELECT_ADVERTISED_HANDLERS).execute().map(rows -> {
            Map<String, Boolean> byName = new HashMap<>();
            rows.forEach(row -> byName.put(row.getString("name"), row.getBoolean("may_run_immediately")));
            return byName;
        });
    }

    /** Every (name, live worker) pair, by name, then the workers oldest first. */
    public static Uni<List<WorkerHandler>> byWorker(SqlClient client) {
        return client.preparedQuery(AppStatusSql.SELECT_ADVERTISED_HANDLER_WORKERS).execute().map(rows -> {
            List<WorkerHandler> pairs = new ArrayList<>();
            rows.forEach(row -> pairs.add(new WorkerHandler(row.getString("name"), row.getString("worker"),
                    row.getBoolean("may_run_immediately"))));
            return pairs;
        });
    }
}
