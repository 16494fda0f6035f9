package dev.brigade.core.db;

/**
 * The schema this build's programs need: the newest migration of db/migration (a test keeps the
 * two equal). The api-server applies the migrations; a worker only checks that this one is
 * there ({@link SchemaSql#MIGRATION_APPLIED}) and waits until it is.
 */
public final class SchemaVersion {
    public static final String REQUIRED = "9";

    private SchemaVersion() {
    }
}
