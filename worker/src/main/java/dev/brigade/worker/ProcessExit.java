package dev.brigade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.task.TaskErrors;
import dev.brigade.worker.execute.TaskCompleter;
import dev.brigade.worker.process.ChildProcesses;
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
 * Children of process handlers are killed (SIGKILL, with their descendants) before anything is
 * recorded: the halt would leave them running, orphaned, past their tasks' end.
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
    private final ChildProcesses children;

    public ProcessExit(Pool pool, WorkerIdentity identity, TaskCompleter completer, ChildProcesses children) {
        this.pool = pool;
        this.identity = identity;
        this.completer = completer;
        this.children = children;
    }

    /** Halts at once (no task recorded), its process handlers' children killed first. */
    public void haltNow(int status) {
        killChildren();
        Runtime.getRuntime().halt(status);
    }

    public void recordAndHalt(String reason) {
        killChildren();
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

    private void killChildren() {
        try {
            int killed = children.killAll();
            if (killed > 0) {
                LOG.warnf("halting: killed %d process handler child(ren)", killed);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "halting: could not kill every process handler child");
        }
    }
}
