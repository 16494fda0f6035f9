package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.brigade.core.db.TaskSql;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.task.PurgeRequest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * brigade.purge: deletes final tasks finished before {@code finished_before} in {@code states},
 * in small batches (short transactions, no long lock on the table), reporting the count as progress.
 */
@Singleton
public class PurgeHandler implements TaskHandler {
    static final String CODE = "brigade.purge";
    private static final int BATCH = 1000;

    private final Pool pool;

    public PurgeHandler(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "brigade.purge";
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        PurgeRequest request;
        try {
            request = PurgeRequest.fromArgs(args);
        } catch (IllegalArgumentException e) {
            throw new TaskFailure(e.getMessage());
        }
        String[] states = request.states().stream().map(s -> s.dbName()).toArray(String[]::new);
        int deleted = 0;
        context.progress(CODE, "Purged tasks", null, 0);
        while (!context.cancelRequested()) {
            int batch = pool.preparedQuery(TaskSql.PURGE_BATCH)
                    .execute(Tuple.of(request.finishedBefore(), states, BATCH,
                            Signal.UNBLOCK.channel().pgName(), Signal.UNBLOCK.payload()))
                    .map(rows -> rows.rowCount())
                    .await().atMost(Duration.ofMinutes(1));
            deleted += batch;
            context.progress(CODE, "Purged tasks", null, deleted);
            if (batch < BATCH) {
                break;
            }
        }
        return JsonNodeFactory.instance.objectNode().put("deleted", deleted);
    }
}
