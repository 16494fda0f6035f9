package dev.brigade.it.db;

import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.reservation.Reservations;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.TaskCanceler;
import dev.brigade.core.task.TaskState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Dispatch and cancel from the test JVM through core's Dispatcher transaction and TaskCanceler,
 * with ids chosen here so that a batch's ids come back in the order of its specs.
 */
public final class TestDispatcher {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Pool pool;
    private final TaskCanceler canceler;
    /** Core's dispatcher; only its transaction is used (ids are chosen here), so it needs no handlers. */
    private final Dispatcher dispatcher;

    public TestDispatcher(Pool pool) {
        this.pool = pool;
        this.canceler = new TaskCanceler(pool);
        this.dispatcher = new Dispatcher(pool, new HandlerCatalog(pool, new TaskHandlers(List.of(), false), Set.of(),
                Duration.ZERO));
    }

    public UUID dispatch(TaskSpec spec) {
        UUID id = UUID.randomUUID();
        dispatchUni(id, spec).await().atMost(WAIT);
        return id;
    }

    /** Dispatches every spec, {@code inFlight} at a time; the ids in the order of the specs. */
    public List<UUID> dispatchAll(List<TaskSpec> specs, int inFlight) {
        List<UUID> ids = new ArrayList<>();
        specs.forEach(spec -> ids.add(UUID.randomUUID()));
        Multi.createFrom().range(0, specs.size())
                .onItem().transformToUni(i -> dispatchUni(ids.get(i), specs.get(i))).merge(inFlight)
                .collect().last()
                .await().atMost(WAIT.multipliedBy(5));
        return ids;
    }

    /** Dispatches every spec in one statement (a bulk dispatch), queued in the order given; their ids in that order. */
    public List<UUID> dispatchBulk(List<TaskSpec> specs) {
        List<TaskStore.NewTask> rows = new ArrayList<>();
        for (TaskSpec spec : specs) {
            rows.add(row(UUID.randomUUID(), spec));
        }
        dispatcher.dispatchAllIn(pool, rows).await().atMost(WAIT);
        return rows.stream().map(TaskStore.NewTask::id).toList();
    }

    /** Core's TaskCanceler: waiting/running → canceling, then the cancel (held) or handle (unheld) signal. */
    public TaskState cancel(UUID id) {
        return canceler.cancel(id).await().atMost(WAIT);
    }

    private Uni<Boolean> dispatchUni(UUID id, TaskSpec spec) {
        TaskStore.NewTask row = row(id, spec);
        return pool.withTransaction(tx -> dispatcher.dispatchIn(tx, row)).map(Dispatcher.Dispatched::unblocked);
    }

    private static TaskStore.NewTask row(UUID id, TaskSpec spec) {
        Reservations reservations = Reservations.of(spec.exclusive(), spec.shared(), DispatchRequest.DEFAULT_DOMAIN);
        return new TaskStore.NewTask(id, spec.name(), spec.args(), "it-" + id, reservations, false, true, null, null,
                spec.versions() == null ? BrigadeVersion.components() : spec.versions());
    }
}
