package dev.brigade.worker.execute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskState;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.metrics.WorkerMetrics;
import dev.brigade.worker.unblock.UnblockPass;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Records a held task final and releases its resources, under the advisory locks of those
 * resources (so a concurrent dispatch of a conflicting task is ordered with it). Then this worker
 * unblocks what the release freed itself; an auxiliary worker signals {@code unblock} instead.
 */
@ApplicationScoped
public class TaskFinisher {
    private static final Logger LOG = Logger.getLogger(TaskFinisher.class);

    private final Pool pool;
    private final WorkerIdentity identity;
    private final UnblockPass unblockPass;
    private final boolean auxiliary;
    private final WorkerMetrics metrics;

    public TaskFinisher(Pool pool, WorkerIdentity identity, UnblockPass unblockPass, WorkerConfig config,
                        WorkerMetrics metrics) {
        this.pool = pool;
        this.identity = identity;
        this.unblockPass = unblockPass;
        this.auxiliary = config.auxiliary();
        this.metrics = metrics;
    }

    /**
     * Writes {@code state} (or, if the task was moved to canceling meanwhile, {@code ifCanceling}).
     * Empty when this worker no longer held the task (it was judged missing): a lost race, logged.
     */
    public Optional<TaskState> finish(Task task, TaskState state, JsonNode result, JsonNode error,
                                      TaskState ifCanceling, JsonNode errorIfCanceling) {
        TaskStore.Finish finish = new TaskStore.Finish(task.id(), identity.id(), state, result, error,
                ifCanceling, errorIfCanceling);
        Optional<TaskState> written = Db.awaitUntilDone("recording the outcome of task " + task.id(),
                () -> pool.withTransaction(tx -> TaskStore.lockResources(tx, task.reservations())
                        .chain(() -> TaskStore.finish(tx, finish))
                        .call(done -> done.isPresent() && auxiliary
                                ? SignalPublisher.send(tx, Signal.UNBLOCK) : Uni.createFrom().voidItem())));
        written.ifPresent(s -> metrics.taskFinished(task.name(), s));
        if (written.isEmpty()) {
            LOG.warnf("task %s was no longer held by this worker when it finished; its outcome was not recorded", task.id());
        } else if (!auxiliary) {
            try {
                unblockPass.run();
            } catch (RuntimeException e) {
                // the release is recorded; the next pass (any worker, or the safety poll) picks it up
                LOG.warnf("unblocking after task %s failed (%s); left to the next pass", task.id(), e.getMessage());
            }
        }
        return written;
    }
}
