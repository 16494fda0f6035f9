package dev.brigade.core.signal;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sends signals with pg_notify inside the caller's transaction, so a signal goes out exactly when
 * the change it announces commits (PostgreSQL delivers NOTIFY at commit).
 */
public final class SignalPublisher {
    private SignalPublisher() {
    }

    public static Uni<Void> send(SqlClient tx, Signal signal) {
        return send(tx, signal, signal.payload());
    }

    public static Uni<Void> send(SqlClient tx, Signal signal, String payload) {
        return tx.preparedQuery(SignalSql.NOTIFY)
                .execute(Tuple.of(signal.channel().pgName(), payload))
                .replaceWithVoid();
    }
}
