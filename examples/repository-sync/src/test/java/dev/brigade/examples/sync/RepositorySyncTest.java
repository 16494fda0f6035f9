package dev.brigade.examples.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.db.ProgressStore;
import dev.brigade.core.db.TaskStore;
import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.task.DispatchRequest;
import dev.brigade.core.task.ProgressReport;
import dev.brigade.core.task.Task;
import dev.brigade.core.task.TaskCanceler;
import dev.brigade.core.task.TaskState;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's handlers in the worker they run in (this application: Brigade's worker with them)
 * against a real PostgreSQL, dispatched as the api-server would dispatch them.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RepositorySyncTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Dispatcher dispatcher;
    @Inject
    TaskCanceler canceler;
    @Inject
    Pool pool;
    @Inject
    StorageConfig storage;

    @Test
    void aSyncCopiesTheSourceReportsProgressAndIndexesTheResultInItsChild() throws IOException {
        String repository = unique("fedora");
        Path source = source(repository, 5);

        Task sync = awaitFinal(sync(repository, source, 0));

        assertThat(sync.state()).as("%s", sync.error()).isEqualTo(TaskState.COMPLETED);
        assertThat(sync.result().get("copied").asInt()).isEqualTo(5);
        assertThat(sync.result().get("unchanged").asInt()).isZero();
        assertThat(Repositories.files(storage.storage().resolve(repository))).hasSize(5);
        assertThat(Files.readString(storage.storage().resolve(repository).resolve("file-3.rpm"))).isEqualTo("content 3");
        ProgressReport progress = progress(sync.id()).getFirst();
        assertThat(progress.code()).isEqualTo("sync.files");
        assertThat(progress.total()).isEqualTo(5);
        assertThat(progress.done()).isEqualTo(5);

        Task index = awaitFinal(UUID.fromString(sync.result().get("index_task").asText()));
        assertThat(index.parentTask()).isEqualTo(sync.id());
        assertThat(index.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(index.startedAt()).as("waits for its parent, both hold the repository").isAfterOrEqualTo(sync.finishedAt());
        assertThat(index.result().get("files").asInt()).isEqualTo(5);
        assertThat(index.result().get("digest").asText()).hasSize(64);
        assertThat(storage.storage().resolve(repository).resolve(Repositories.INDEX_FILE)).exists();
    }

    @Test
    void aSecondSyncCopiesOnlyWhatChanged() throws IOException {
        String repository = unique("debian");
        Path source = source(repository, 3);
        assertThat(awaitFinal(sync(repository, source, 0)).state()).isEqualTo(TaskState.COMPLETED);
        Files.writeString(source.resolve("file-1.rpm"), "content 1, rebuilt");

        Task again = awaitFinal(sync(repository, source, 0));

        assertThat(again.result().get("copied").asInt()).isEqualTo(1);
        assertThat(again.result().get("unchanged").asInt()).isEqualTo(2);
        assertThat(Files.readString(storage.storage().resolve(repository).resolve("file-1.rpm"))).isEqualTo("content 1, rebuilt");
    }

    @Test
    void aCanceledSyncStopsBetweenFilesAndDispatchesNoIndex() throws IOException {
        String repository = unique("centos");
        Path source = source(repository, 50);
        UUID id = sync(repository, source, 200);
        awaitTask(id, t -> !progress(id).isEmpty() && progress(id).getFirst().done() >= 1);

        canceler.cancel(id).await().atMost(DEADLINE);

        Task canceled = awaitFinal(id);
        assertThat(canceled.state()).isEqualTo(TaskState.CANCELED);
        assertThat(Repositories.files(storage.storage().resolve(repository))).hasSizeLessThan(50);
        assertThat(children(id)).isEmpty();
        // the repository is free again: the next task on it runs
        Task next = awaitFinal(dispatch(DispatchRequest.of("repository.index", args().put("repository", repository))
                .withResources(List.of(Repositories.resource(repository)), List.of())));
        assertThat(next.state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void badArgsFailTheTaskNamingTheArgument() {
        Task noSource = awaitFinal(sync(unique("suse"), Path.of("/no/such/folder"), 0));
        assertThat(noSource.state()).isEqualTo(TaskState.FAILED);
        assertThat(noSource.error().get("description").asText()).startsWith("args.source must be");

        Task typo = awaitFinal(dispatch(DispatchRequest.of("repository.sync",
                args().put("repository", "suse").put("sorce", "/tmp"))));
        assertThat(typo.state()).isEqualTo(TaskState.FAILED);
        assertThat(typo.error().get("description").asText()).startsWith("args.sorce: not an argument of this task");

        Task badName = awaitFinal(dispatch(DispatchRequest.of("repository.index", args().put("repository", "../etc"))));
        assertThat(badName.state()).isEqualTo(TaskState.FAILED);
        assertThat(badName.error().get("description").asText()).startsWith("args.repository must be");
    }

    @Test
    void anImmediateIndexRunsOnThisWorker() throws IOException {
        String repository = unique("alma");
        assertThat(awaitFinal(sync(repository, source(repository, 2), 0)).state()).isEqualTo(TaskState.COMPLETED);

        Task index = awaitFinal(dispatch(new DispatchRequest("repository.index", args().put("repository", repository),
                List.of(Repositories.resource(repository)), List.of(), true, true, null, null, null, null, null)));

        assertThat(index.immediate()).isTrue();
        assertThat(index.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(index.result().get("files").asInt()).isEqualTo(2);
    }

    private UUID sync(String repository, Path source, long pauseMs) {
        return dispatch(DispatchRequest.of("repository.sync", args().put("repository", repository)
                        .put("source", source.toAbsolutePath().toString()).put("pause_ms", pauseMs))
                .withResources(List.of(Repositories.resource(repository)), List.of()));
    }

    private static Path source(String repository, int files) throws IOException {
        Path folder = Files.createDirectories(Path.of("target/test-sources", repository));
        for (int i = 0; i < files; i++) {
            Files.writeString(folder.resolve("file-" + i + ".rpm"), "content " + i, UTF_8);
        }
        return folder;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UUID dispatch(DispatchRequest request) {
        return dispatcher.dispatch(request).await().atMost(DEADLINE).task().id();
    }

    private List<ProgressReport> progress(UUID id) {
        return ProgressStore.byTask(pool, id).await().atMost(DEADLINE);
    }

    private List<UUID> children(UUID id) {
        return TaskStore.childIds(pool, id).await().atMost(DEADLINE);
    }

    private Task awaitFinal(UUID id) {
        return awaitTask(id, t -> t.state().isFinal());
    }

    private Task awaitTask(UUID id, Predicate<Task> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Task task = TaskStore.findById(pool, id).await().atMost(DEADLINE).orElseThrow();
        while (!condition.test(task)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("task did not reach the condition in time: " + task);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            task = TaskStore.findById(pool, id).await().atMost(DEADLINE).orElseThrow();
        }
        return task;
    }

    private static ObjectNode args() {
        return JsonNodeFactory.instance.objectNode();
    }
}
