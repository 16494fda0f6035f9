package dev.brigade.core.signal;

/**
 * Every signal Brigade sends, defined once: the PostgreSQL NOTIFY channel, its payload, who sends
 * it and who listens. Receivers consume them as SmallRye Reactive Messaging channels of the same
 * name (see {@link #channel()}); a slow safety poll covers a lost notification.
 */
public enum Signal {
    /** Resources were released: the unblocker should look for newly free tasks. Sent by whoever finishes a task; heard by workers. */
    UNBLOCK(Channel.WAKEUP, "unblock"),
    /**
     * Unblocked tasks wait unclaimed: free slots should claim. Sent by dispatch, unblock, cancel
     * and the reaper; heard by workers. Its payload may name the handlers of those tasks
     * ({@link HandleSignal}); {@link #payload()} is the one that names none.
     */
    HANDLE(Channel.WAKEUP, "handle"),
    /** A task moved to canceling; the payload is its id and its holder's ({@link CancelSignal}). Sent by any process; heard by the worker that holds it. */
    CANCEL(Channel.CANCEL, null),
    /** Queue figures (JSON: waiting, unblockedUnclaimed, running, oldestUnclaimedAgeSeconds) from the janitor that computed them; heard by every worker for its metrics. */
    METRICS(Channel.METRICS, null);

    /** The NOTIFY channels; also the names of the in-process messaging channels. */
    public enum Channel {
        WAKEUP("brigade_wakeup"), CANCEL("brigade_cancel"), METRICS("brigade_metrics");

        private final String pgName;

        Channel(String pgName) {
            this.pgName = pgName;
        }

        public String pgName() {
            return pgName;
        }
    }

    private final Channel channel;
    private final String fixedPayload;

    Signal(Channel channel, String fixedPayload) {
        this.channel = channel;
        this.fixedPayload = fixedPayload;
    }

    public Channel channel() {
        return channel;
    }

    /** The payload of a signal whose payload does not vary (null for {@link #CANCEL}). */
    public String payload() {
        return fixedPayload;
    }

    /** The wakeup signal a payload received on {@link Channel#WAKEUP} stands for, if any. */
    public static java.util.Optional<Signal> wakeup(String payload) {
        if (UNBLOCK.fixedPayload.equals(payload)) {
            return java.util.Optional.of(UNBLOCK);
        }
        if (HandleSignal.parse(payload).isPresent()) {
            return java.util.Optional.of(HANDLE);
        }
        return java.util.Optional.empty();
    }
}
