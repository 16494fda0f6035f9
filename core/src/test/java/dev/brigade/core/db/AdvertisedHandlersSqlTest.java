package dev.brigade.core.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handlers column of app_status: written at registration, read by dispatch and the listing. */
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
}
