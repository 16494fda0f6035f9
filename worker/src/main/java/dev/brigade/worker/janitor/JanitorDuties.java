package dev.brigade.worker.janitor;

import dev.brigade.core.db.AppStatusSql;
import dev.brigade.core.db.JanitorSql;
import dev.brigade.core.db.Json;
import dev.brigade.core.db.TaskSql;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.db.WorkerDues;
import dev.brigade.core.dispatch.ScheduleDispatcher;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.signal.SignalPublisher;
import dev.brigade.worker.Db;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.metrics.QueueFigures;
import dev.brigade.worker.metrics.WorkerMetrics;
import dev.brigade.worker.unblock.UnblockPass;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

import java.util.ArrayList;
import java.util.List;

/**
 * Janitor work, done by a (non-auxiliary) worker whose heartbeat says there is some (WorkerDues):
 * removing missing processes, whose tasks then become claimable and end failed, at most once per
 * interval fleet-wide (JanitorSql.TAKE_DUE_DUTY); sweeping the reservations a halted process kept
 * (see ProcessExit) once it is gone, after the reap and whenever the heartbeat finds some left
 * (a reap whose own sweep never ran); dispatching due schedules; publishing the queue figures.
 */
@ApplicationScoped
public class JanitorDuties {
    private static final Logger LOG = Logger.getLogger(JanitorDuties.class);
    static final String REAP = "reap-missing-processes";
    static final String QUEUE_METRICS = "queue-metrics";
    private static final int QUEUE_METRICS_LOCK = 4;
    private static final double QUEUE_METRICS_SECONDS = 15;
    private static final int REAP_LOCK = 2;
    private static final int SWEEP_BATCH = 100;

    private final Pool pool;
    private final UnblockPass unblockPass;
    private final ScheduleDispatcher schedules;
    private final double intervalSeconds;
    private final Optional<Duration> retention;
    private final WorkerMetrics metrics;

    public JanitorDuties(Pool pool, UnblockPass unblockPass, ScheduleDispatcher schedules, WorkerConfig config,
                         @ConfigProperty(name = "brigade.retention", defaultValue = "30D") String retention,
                         WorkerMetrics metrics) {
        this.metrics = metrics;
        this.pool = pool;
        this.unblockPass = unblockPass;
        this.schedules = schedules;
        this.intervalSeconds = TaskStore.seconds(config.janitorInterval());
        this.retention = Retention.parse(retention);
    }

    /** At start: the built-in retention schedule follows this worker's brigade.retention. */
    public void applyRetention() {
        Db.await(schedules.applyRetention(retention));
    }

    /**
     * The janitor duties a worker asks its heartbeat about (WorkerDues): none for an auxiliary
     * one. (The janitor_duty row dispatch-schedules is no longer taken: the heartbeat says when a
     * schedule is due, and dispatching skips what another worker has locked.)
     */
    public static List<String> askedBy(boolean auxiliary) {
        return auxiliary ? List.of() : List.of(REAP, QUEUE_METRICS);
    }

    /**
     * What the heartbeat found to do: reap when a process is missing and the reap is due, dispatch
     * when a schedule is due, publish the queue figures when due. A duty is then taken (or lost
     * to another worker) in a transaction of its own.
     */
    public void runDue(WorkerDues dues) {
        boolean reaped = dues.missing() && dues.dueDuties().contains(REAP) && reapMissingProcesses();
        if (reaped || dues.keptReservations()) {
            sweepKeptReservations();
        }
        if (dues.scheduleDue()) {
            Db.await(schedules.dispatchDue()); // FOR UPDATE SKIP LOCKED: two workers never dispatch one schedule
        }
        if (dues.dueDuties().contains(QUEUE_METRICS)) {
            publishQueueFigures();
        }
    }

    /**
     * The queue figures, computed by one worker every 15 s fleet-wide (every count walks a partial
     * index of incomplete tasks only) and shared with every process by the metrics signal.
     */
    private void publishQueueFigures() {
        Optional<QueueFigures> figures = Db.await(pool.withTransaction(tx -> tx.preparedQuery(JanitorSql.TAKE_DUE_DUTY)
                .execute(Tuple.of(QUEUE_METRICS, QUEUE_METRICS_SECONDS, QUEUE_METRICS_LOCK))
                .chain(due -> due.rowCount() == 0
                        ? Uni.createFrom().item(Optional.<QueueFigures>empty())
                        : tx.query(TaskSql.QUEUE_FIGURES).execute().map(rows -> {
                            var row = rows.iterator().next();
                            return Optional.of(new QueueFigures(row.getLong("waiting"), row.getLong("unblocked_unclaimed"),
                                    row.getLong("running"), row.getDouble("oldest_unclaimed_age")));
                        }))
                .call(f -> f.isEmpty() ? Uni.createFrom().voidItem()
                        : SignalPublisher.send(tx, Signal.METRICS, Json.write(f.get())))));
        figures.ifPresent(metrics::queue);
    }

    /** Whether it removed a process (whose kept reservations are then to be swept). */
    private boolean reapMissingProcesses() {
        List<String> reaped = Db.await(pool.withTransaction(tx -> tx.preparedQuery(JanitorSql.TAKE_DUE_DUTY)
                .execute(Tuple.of(REAP, intervalSeconds, REAP_LOCK))
                .chain(due -> due.rowCount() == 0
                        ? Uni.createFrom().item(List.<String>of())
                        : tx.preparedQuery(AppStatusSql.DELETE_MISSING).execute().map(rows -> {
                            List<String> names = new ArrayList<>();
                            rows.forEach(row -> names.add(row.getString("name") + " (" + row.getString("type") + ")"));
                            return names;
                        }))
                .call(names -> names.isEmpty() ? Uni.createFrom().voidItem() : SignalPublisher.send(tx, Signal.HANDLE))));
        if (!reaped.isEmpty()) {
            LOG.warnf("removed missing process(es) %s; their tasks are claimable again", reaped);
        }
        return !reaped.isEmpty();
    }

    /**
     * Releases the reservation rows of final tasks a halted process kept, now that it is gone, in
     * batches (each its own transaction: SKIP LOCKED shares them with other janitors), then unblocks.
     */
    private void sweepKeptReservations() {
        int swept = 0;
        int batch;
        do {
            batch = Db.await(TaskStore.sweepKeptReservations(pool, SWEEP_BATCH));
            swept += batch;
        } while (batch == SWEEP_BATCH);
        if (swept > 0) {
            LOG.infof("released the reservations of %d final task(s) of halted processes", swept);
            unblockPass.run();
        }
    }
}
