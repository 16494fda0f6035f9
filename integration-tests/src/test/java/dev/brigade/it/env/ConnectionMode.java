package dev.brigade.it.env;

/**
 * How the programs under test reach PostgreSQL: BRIGADE_DB_URL straight to it, or through
 * PgBouncer in transaction mode with signals received by LISTEN (on the direct URL) or by polling.
 */
public enum ConnectionMode {
    DIRECT(false, "listen", "direct"),
    PGBOUNCER_LISTEN(true, "listen", "pgbouncer+listen"),
    PGBOUNCER_POLL(true, "poll", "pgbouncer+poll");

    private final boolean throughPgBouncer;
    private final String signalsMode;
    private final String label;

    ConnectionMode(boolean throughPgBouncer, String signalsMode, String label) {
        this.throughPgBouncer = throughPgBouncer;
        this.signalsMode = signalsMode;
        this.label = label;
    }

    public boolean throughPgBouncer() {
        return throughPgBouncer;
    }

    /** The value of brigade.signals.mode. */
    public String signalsMode() {
        return signalsMode;
    }

    @Override
    public String toString() {
        return label;
    }
}
