package dev.brigade.it.scenario;

import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerSpec;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through PgBouncer in transaction mode, PgBouncer adds no statement of its own: the programs'
 * startup parameters match what PostgreSQL reports, so it never has to SET DateStyle on a server
 * connection it lends (with the client's default DateStyle it did so on every transaction, a
 * third of an idle worker's statements). Counted by pg_stat_statements, which the test server
 * preloads, for this class's database only.
 */
@Timeout(120)
class PoolerStatementsIT {
    private static final String HEARTBEATS =
            "SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database"
                    + " WHERE datname = current_database()) AND query LIKE '%UPDATE app_status SET last_heartbeat%'";
    private static final String SETS =
            "SELECT coalesce(sum(calls), 0) AS n, string_agg(DISTINCT query, '; ') AS queries FROM pg_stat_statements"
                    + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ILIKE 'SET %'";

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void anIdleWorkerThroughPgBouncerCostsNoSetStatements() {
        env.pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(Duration.ofSeconds(10));
        env.startWorker(WorkerSpec.of(ConnectionMode.PGBOUNCER_POLL).ttl(Duration.ofSeconds(3)));
        // each server connection may be SET once to the worker's parameters when it first serves
        // it after another client (the harness checks PgBouncer with JDBC): count from then on
        long warm = Await.until("three heartbeats through PgBouncer", Duration.ofSeconds(60),
                () -> count(HEARTBEATS), n -> n >= 3);
        Row before = sets();

        Await.until("five heartbeats more", Duration.ofSeconds(60), () -> count(HEARTBEATS), n -> n >= warm + 5);

        Row after = sets();
        assertThat(after.getLong("n") - before.getLong("n"))
                .as("SET statements PgBouncer sent on the worker's behalf while it idled: %s", after.getString("queries"))
                .isZero();
    }

    private static Row sets() {
        return env.pool().query(SETS).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    private static long count(String sql) {
        Row row = env.pool().query(sql).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getLong("n");
    }
}
