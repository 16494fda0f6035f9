package dev.brigade.core.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a @QuarkusTest at a fresh migrated database (see {@link TestDatabase}). */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        TestDatabase.Fresh db = TestDatabase.create();
        return Map.of(
                "quarkus.datasource.reactive.url", db.url(),
                "brigade.db.direct-jdbc-url", db.jdbcUrl(),
                "brigade.db.direct-url", db.url());
    }

    @Override
    public void stop() {
        // the database is dropped with the server at the end of the run
    }
}
