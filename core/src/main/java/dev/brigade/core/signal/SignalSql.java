package dev.brigade.core.signal;

/** The one statement that sends a signal: channel and payload are parameters, never spliced in. */
public final class SignalSql {
    public static final String NOTIFY = "SELECT pg_notify($1, $2)";

    private SignalSql() {
    }
}
