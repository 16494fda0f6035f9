package dev.brigade.core.testing;

import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.Signal;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A LISTEN session on the wakeup channel, as a worker in signals mode {@code listen} holds one:
 * what a dispatch signals, seen from outside. {@link #signalsUntilMarker} proves that nothing was
 * signaled (a notification is delivered in commit order, so every signal committed before a
 * marker arrives before it) without waiting for a quiet period.
 */
public final class WakeupListener implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Connection connection;
    private final PGConnection pg;
    private final List<String> pending = new ArrayList<>();

    public WakeupListener(String jdbcUrl) {
        try {
            connection = DriverManager.getConnection(jdbcUrl);
            pg = connection.unwrap(PGConnection.class);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + Signal.Channel.WAKEUP.pgName());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for a {@code handle} signal (at most 30 s); false when none came. */
    public boolean awaitHandle() {
        return awaitHandleSignal().isPresent();
    }

    /** Waits for a {@code handle} signal (at most 30 s), whatever handlers it names; empty when none came. */
    public Optional<HandleSignal> awaitHandleSignal() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (String payload : pending) {
                Optional<HandleSignal> handle = HandleSignal.parse(payload);
                if (handle.isPresent()) {
                    pending.remove(payload);
                    return handle;
                }
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    /**
     * Sends a marker on the channel (committed now), and returns every payload received before it,
     * those not yet consumed included.
     */
    public List<String> signalsUntilMarker() {
        String marker = "marker-" + UUID.randomUUID();
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, Signal.Channel.WAKEUP.pgName());
            notify.setString(2, marker);
            notify.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!pending.contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the marker notification never came");
            }
            receive(1000);
        }
        List<String> before = new ArrayList<>(pending.subList(0, pending.indexOf(marker)));
        pending.subList(0, pending.indexOf(marker) + 1).clear();
        return before;
    }

    private void receive(int timeoutMillis) {
        try {
            PGNotification[] notifications = pg.getNotifications(timeoutMillis);
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    pending.add(n.getParameter());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
