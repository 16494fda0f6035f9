package dev.brigade.api;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Worker rows that advertise handlers, written by SQL as a worker registers (no worker runs in
 * this suite), and removed again after each test.
 */
final class AdvertisingWorkers {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Pool pool;
    private final List<UUID> written = new ArrayList<>();

    AdvertisingWorkers(Pool pool) {
        this.pool = pool;
    }

    /**
     * A worker row advertising these handlers (name to may_run_immediately), its name returned;
     * not online: its heartbeat is past its ttl, as a worker that died looks until it is reaped.
     */
    String advertise(Map<String, Boolean> handlers, boolean online) {
        UUID id = UUID.randomUUID();
        String name = "w-" + id.toString().substring(0, 8) + "@host";
        pool.preparedQuery("""
                        INSERT INTO app_status (id, name, type, ttl, last_heartbeat, handlers)
                        VALUES ($1, $2, 'worker', interval '30 seconds',
                                now() - CASE WHEN $3 THEN interval '0' ELSE interval '1 minute' END,
                                (SELECT jsonb_object_agg(key, jsonb_build_object('may_run_immediately', value::boolean))
                                 FROM jsonb_each_text($4::text::jsonb)))""")
                .execute(Tuple.of(id, name, online, io.vertx.core.json.Json.encode(handlers))).await().atMost(WAIT);
        written.add(id);
        return name;
    }

    void removeAll() {
        written.forEach(id -> pool.preparedQuery("DELETE FROM app_status WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(WAIT));
        written.clear();
    }
}
