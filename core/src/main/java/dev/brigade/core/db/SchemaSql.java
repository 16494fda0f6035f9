package dev.brigade.core.db;

/** Questions about the schema itself, asked by the readiness probes and by a starting worker. */
public final class SchemaSql {
    private SchemaSql() {
    }

    /**
     * One cheap round trip that proves the database answers and that the newest migration this
     * program ships is applied (Flyway's history table). $1 the newest shipped version.
     */
    public static final String MIGRATION_APPLIED = """
            SELECT EXISTS (
                SELECT 1 FROM flyway_schema_history WHERE version = $1 AND success) AS applied""";
}
