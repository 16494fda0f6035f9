package dev.brigade.core.db;

/** Every statement on app_status. Liveness is always judged on the database clock, now(). */
public final class AppStatusSql {
    private AppStatusSql() {
    }

    /** $1 id, $2 name, $3 type, $4 versions, $5 ttl. */
    public static final String REGISTER = """
            INSERT INTO app_status (id, name, type, versions, ttl, last_heartbeat, started_at)
            VALUES ($1, $2, $3, $4::text::jsonb, make_interval(secs => $5::float8), now(), now())""";

    /** No row means the janitor judged this process missing: it must stop taking tasks. $1 id. */
    public static final String HEARTBEAT = "UPDATE app_status SET last_heartbeat = now() WHERE id = $1";

    /** On clean exit; the foreign key frees whatever this process still held. $1 id. */
    public static final String DEREGISTER = "DELETE FROM app_status WHERE id = $1";

    /**
     * A process about to halt makes itself look missing a moment from now, so the janitor frees
     * what it holds only after it is surely gone. $1 id, $2 how long from now.
     */
    public static final String EXPIRE_SOON = """
            UPDATE app_status SET last_heartbeat = now() - ttl + make_interval(secs => $2::float8) WHERE id = $1""";

    /** The missing processes (heartbeat older than their ttl), removed. */
    public static final String DELETE_MISSING = """
            DELETE FROM app_status WHERE last_heartbeat < now() - ttl RETURNING id, name, type""";

    /** Online processes of a type, oldest first. $1 type. */
    public static final String SELECT_ONLINE = """
            SELECT id, name, type, versions::text AS versions, last_heartbeat
            FROM app_status WHERE type = $1 AND last_heartbeat >= now() - ttl
            ORDER BY started_at, id""";
}
