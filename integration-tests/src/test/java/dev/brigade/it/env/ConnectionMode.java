package dev.brigade.it.env;

/**
 * How the programs under test reach PostgreSQL: BRIGADE_DB_URL straight to it, or through
 * PgBouncer in transaction mode with signals received by LISTEN (on the direct URL), by polling,
 * or from the api-server's relay (BrigadeEnvironment starts one when a test starts such workers).
 */
public enum ConnectionMode {
    DIRECT(false, "listen", "direct"),
    PGBOUNCER_LISTEN(true, "listen", "pgbouncer+listen"),
    PGBOUNCER_POLL(true, "poll", "pgbouncer+poll"),
    PGBOUNCER_RELAY(true, "relay", "pgbouncer+relay");

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

    public boolean relay() {
        return signalsMode.equals("relay");
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
