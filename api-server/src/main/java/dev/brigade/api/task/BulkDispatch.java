package dev.brigade.api.task;

import dev.brigade.core.db.TaskGroupStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import dev.brigade.core.error.PayloadTooLargeException;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A bulk dispatch from the API: each task checked as a single dispatch checks it, and the groups
 * named checked to exist, before anything is written; then all the tasks in one statement, in
 * the order given, or none. Every bad field is named under {@code tasks[i]}, so one answer lists
 * every task to fix. The groups and (when one is new to this process) the handler names are
 * read at the same time, so a bulk costs one round trip before its dispatch, at most.
 *
 * <p>An immediate task is refused: it runs inside its request, one at a time, and a task that ran
 * cannot be taken back when a later one of the bulk is refused; handing it to the workers instead
 * would silently drop what {@code immediate} asks for.
 */
@ApplicationScoped
public class BulkDispatch {
    static final String IMMEDIATE_REFUSED = "immediate tasks are dispatched one at a time (POST /api/v1/tasks)";
    static final String NO_SUCH_GROUP = "no task group has this id";

    private final Pool pool;
    private final Dispatcher dispatcher;
    private final HandlerCatalog catalog;

    public BulkDispatch(Pool pool, Dispatcher dispatcher, HandlerCatalog catalog) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.catalog = catalog;
    }

    /** The tasks as written, in the order given. */
    public Uni<List<Task>> dispatch(List<DispatchRequest> requests) {
        Uni<KnownHandlers> known = catalog.knowing(requests.stream().map(DispatchRequest::name).toList());
        return Uni.combine().all().unis(existingGroups(requests), known).asTuple()
                .map(both -> validate(requests, both.getItem1(), both.getItem2()))
                .chain(dispatcher::dispatchValidated)
                .map(dispatched -> dispatched.stream().map(Dispatcher.Dispatched::task).toList());
    }

    private List<TaskStore.NewTask> validate(List<DispatchRequest> requests, Set<UUID> groups, KnownHandlers known) {
        List<TaskStore.NewTask> rows = new ArrayList<>(requests.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            DispatchRequest request = requests.get(i);
            String at = "tasks[" + i + "].";
            if (request.immediate()) {
                errors.add(new FieldError(at + "immediate", IMMEDIATE_REFUSED));
            }
            try {
                // the other fields of an immediate task are checked as the deferred task it has to become
                rows.add(dispatcher.validate(request.immediate() ? asDeferred(request) : request, known));
            } catch (InvalidRequestException e) {
                e.errors().forEach(error -> errors.add(new FieldError(at + error.field(), error.message())));
            } catch (PayloadTooLargeException e) {
                throw new PayloadTooLargeException(at + "args", e.getMessage());
            }
            if (request.taskGroup() != null && !groups.contains(request.taskGroup())) {
                errors.add(new FieldError(at + "task_group", NO_SUCH_GROUP));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return rows;
    }

    /** The groups named that exist: one query, none when no task names a group. */
    private Uni<Set<UUID>> existingGroups(List<DispatchRequest> requests) {
        Set<UUID> named = Set.copyOf(requests.stream().map(DispatchRequest::taskGroup).filter(Objects::nonNull).toList());
        return named.isEmpty() ? Uni.createFrom().item(Set.of()) : TaskGroupStore.existingIds(pool, named);
    }

    private static DispatchRequest asDeferred(DispatchRequest r) {
        return new DispatchRequest(r.name(), r.args(), r.exclusiveResources(), r.sharedResources(), false, true,
                r.taskGroup(), r.domain(), r.versions(), r.parentTask(), r.loggingCid());
    }
}
