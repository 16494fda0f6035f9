package dev.brigade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.worker.execute.TaskCompleter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Stops this process at once when a handler thread cannot be stopped (it ignored its cancel, or
 * shutdown ran out of grace): a thread cannot be killed safely, the process can. Every task held
 * is recorded final first (canceling → canceled, the others failed with the reason), but the
 * lock and the reservations stay until the janitor removes this process's row, which it can do
 * only once the row has aged out, a moment after the halt: no handler outlives its reservation.
 * The other tasks of a worker with concurrency above one end failed with the same reason.
 * A supervisor (Kubernetes, the run script) starts a new worker.
 */
@ApplicationScoped
public class ProcessExit {
    private static final Logger LOG = Logger.getLogger(ProcessExit.class);
    /** How soon after the halt the janitor may judge this process missing. */
    static final Duration AGE_OUT = Duration.ofSeconds(2);
    public static final int EXIT_ABORTED = 3;

    private final Pool pool;
    private final WorkerIdentity identity;
    private final TaskCompleter completer;

    public ProcessExit(Pool pool, WorkerIdentity identity, TaskCompleter completer) {
        this.pool = pool;
        this.identity = identity;
        this.completer = completer;
    }

    public void recordAndHalt(String reason) {
        JsonNode error = TaskErrors.description(reason);
        // outcomes of handlers that returned are written as they are: their tasks are done
        completer.writeQueuedNow(Duration.ofSeconds(2));
        try {
            List<UUID> finished = Db.await(pool.withTransaction(tx -> TaskStore.finishAllBeforeExit(tx, identity.id(), error)
                    .call(() -> tx.preparedQuery(AppStatusSql.EXPIRE_SOON)
                            .execute(Tuple.of(identity.id(), TaskStore.seconds(AGE_OUT))))));
            LOG.errorf("halting: %s; recorded %d task(s) final: %s", reason, finished.size(), finished);
        } catch (RuntimeException e) {
            LOG.errorf(e, "halting: %s; could not record the tasks (they end failed as held by a missing worker)", reason);
        } finally {
            Runtime.getRuntime().halt(EXIT_ABORTED);
        }
    }
}
