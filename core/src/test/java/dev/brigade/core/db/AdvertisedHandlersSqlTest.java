package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.KnownHandlers;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handlers column of app_status: written at registration, read by dispatch (HandlerCatalog) and the listing. */
class AdvertisedHandlersSqlTest extends SqlTestSupport {

    private record Named(String name, boolean mayRunImmediately) implements TaskHandler {
        @Override
        public JsonNode run(JsonNode args, TaskContext context) {
            return null;
        }
    }

    private UUID registerRunning(String type, TaskHandler... handlers) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery(AppStatusSql.REGISTER)
                .execute(Tuple.of(id, type + "-" + id, type, "{}", 30.0, AdvertisedHandlerStore.encode(List.of(handlers))))
                .await().atMost(WAIT);
        return id;
    }

    private void goMissing(UUID id) {
        sql("UPDATE app_status SET last_heartbeat = now() - interval '1 hour' WHERE id = $1", id);
    }

    private void sql(String statement, UUID id) {
        pool.preparedQuery(statement).execute(Tuple.of(id)).await().atMost(WAIT);
    }

    private Map<String, Boolean> advertised() {
        return AdvertisedHandlerStore.advertised(pool).await().atMost(WAIT);
    }

    @Test
    void theNamesOfLiveWorkersAreAdvertisedAndNoOthers() {
        registerRunning("worker", new Named("repo.sync", false), new Named("repo.check", true));
        UUID missing = registerRunning("worker", new Named("repo.gone", true));
        goMissing(missing);
        registerRunning("api", new Named("api.only", true));
        assertThat(advertised()).isEqualTo(Map.of("repo.sync", false, "repo.check", true));
        assertThat(count("SELECT count(*) FROM app_status WHERE handlers = '{}'"))
                .as("the rows written by the test support advertise nothing").isEqualTo(1);
    }

    @Test
    void aNameMayRunImmediatelyOnlyWhenEveryLiveWorkerAdvertisingItSaysSo() {
        registerRunning("worker", new Named("repo.check", true));
        UUID disagreeing = registerRunning("worker", new Named("repo.check", false));
        assertThat(advertised()).containsEntry("repo.check", false);
        goMissing(disagreeing);
        assertThat(advertised()).as("a missing worker has no say").containsEntry("repo.check", true);
    }

    @Test
    void theListingPairsEachNameWithItsLiveWorkersOldestFirst() {
        UUID first = registerRunning("worker", new Named("repo.sync", false), new Named("repo.check", true));
        sql("UPDATE app_status SET started_at = now() - interval '1 minute' WHERE id = $1", first);
        UUID second = registerRunning("worker", new Named("repo.sync", true));
        goMissing(registerRunning("worker", new Named("repo.sync", true)));
        assertThat(AdvertisedHandlerStore.byWorker(pool).await().atMost(WAIT)).containsExactly(
                new AdvertisedHandlerStore.WorkerHandler("repo.check", "worker-" + first, true),
                new AdvertisedHandlerStore.WorkerHandler("repo.sync", "worker-" + first, false),
                new AdvertisedHandlerStore.WorkerHandler("repo.sync", "worker-" + second, true));
    }

    @Test
    void theColumnHoldsAnObjectOnly() {
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> pool.preparedQuery(AppStatusSql.REGISTER)
                .execute(Tuple.of(id, "bad", "worker", "{}", 30.0, "[\"repo.sync\"]")).await().atMost(WAIT))
                .isInstanceOf(PgException.class).hasMessageContaining("check constraint");
    }

    @Test
    void theCatalogKnowsOwnConfiguredAndAdvertisedNames() {
        TaskHandlers own = new TaskHandlers(List.of(new Named("own.quick", true), new Named("own.slow", false)), false);
        HandlerCatalog catalog = new HandlerCatalog(pool, own, Set.of("configured.only", "own.quick"), Duration.ofHours(1));
        registerRunning("worker", new Named("repo.sync", true), new Named("own.slow", true));
        KnownHandlers known = catalog.knowing(List.of("repo.sync")).await().atMost(WAIT);
        assertThat(known.names()).containsExactly("configured.only", "own.quick", "own.slow", "repo.sync");
        assertThat(known.mayRunImmediately("repo.sync")).isTrue();
        assertThat(known.mayRunImmediately("configured.only")).as("nothing vouches for a configured name").isFalse();
        assertThat(known.mayRunImmediately("own.quick")).isTrue();
        assertThat(known.mayRunImmediately("own.slow")).as("a handler's own word wins").isFalse();
        assertThat(known.knows("no.such")).isFalse();
    }

    @Test
    void theCatalogReadsAgainOnANameItDoesNotKnowButTrustsWhatItReadForItsTtl() {
        TaskHandlers none = new TaskHandlers(List.of(), false);
        HandlerCatalog trusting = new HandlerCatalog(pool, none, Set.of(), Duration.ofHours(1));
        HandlerCatalog checking = new HandlerCatalog(pool, none, Set.of(), Duration.ZERO);
        assertThat(trusting.knowing(List.of("repo.sync")).await().atMost(WAIT).knows("repo.sync")).isFalse();
        UUID worker = registerRunning("worker", new Named("repo.sync", false));
        assertThat(trusting.knowing(List.of("repo.sync")).await().atMost(WAIT).knows("repo.sync"))
                .as("a miss reads again at once").isTrue();
        assertThat(checking.knowing(List.of("repo.sync")).await().atMost(WAIT).knows("repo.sync")).isTrue();
        sql("DELETE FROM app_status WHERE id = $1", worker);
        assertThat(trusting.knowing(List.of("repo.sync")).await().atMost(WAIT).knows("repo.sync"))
                .as("within its ttl, what was read is trusted without a query").isTrue();
        assertThat(checking.knowing(List.of("repo.sync")).await().atMost(WAIT).knows("repo.sync"))
                .as("past its ttl, it is read again").isFalse();
    }
}
