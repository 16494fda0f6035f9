package dev.brigade.worker.signal;

import dev.brigade.core.config.DatabaseUrlConfigSource;
import dev.brigade.core.config.DirectConnectOptions;
import dev.brigade.core.signal.Signal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Signals mode {@code listen}: one LISTEN session straight to PostgreSQL (a transaction-mode
 * pooler would accept the LISTEN and deliver nothing), bridged into the messaging channels
 * {@link SignalChannels}. It reconnects after a drop, and every (re)subscription counts as a
 * wakeup, since notifications sent while it was away are lost.
 */
@ApplicationScoped
public class PgSignalListener {
    private static final Logger LOG = Logger.getLogger(PgSignalListener.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Emitter<String> wakeups;
    private final Emitter<String> cancels;
    private final Emitter<String> metrics;
    private volatile PgSubscriber subscriber;

    public PgSignalListener(Vertx vertx,
                            @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_URL_PROPERTY) String directUrl,
                            @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_SSL_ROOT_CERT_PROPERTY) Optional<String> caFile,
                            @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_VERIFY_HOST_PROPERTY, defaultValue = "false") boolean verifyHost,
                            @Channel(SignalChannels.WAKEUP) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> wakeups,
                            @Channel(SignalChannels.CANCEL) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> cancels,
                            @Channel(SignalChannels.METRICS) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> metrics) {
        this.vertx = vertx;
        this.options = DirectConnectOptions.of(directUrl, caFile, verifyHost);
        this.wakeups = wakeups;
        this.cancels = cancels;
        this.metrics = metrics;
    }

    public void start() {
        PgSubscriber sub = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(attempt -> RECONNECT_DELAY.toMillis());
        sub.channel(Signal.Channel.WAKEUP.pgName())
                .subscribeHandler(() -> send(wakeups, Signal.HANDLE.payload()))
                .handler(payload -> send(wakeups, payload));
        sub.channel(Signal.Channel.CANCEL.pgName()).handler(payload -> send(cancels, payload));
        sub.channel(Signal.Channel.METRICS.pgName()).handler(payload -> send(metrics, payload));
        subscriber = sub;
        connect(sub);
    }

    /** The first connection is retried here; later drops by the subscriber's reconnect policy. */
    private void connect(PgSubscriber sub) {
        sub.connect().subscribe().with(
                ok -> LOG.infof("listening for signals"),
                failure -> {
                    LOG.warnf("cannot LISTEN yet (%s); retrying", failure.getMessage());
                    if (!sub.closed() || subscriber == sub) {
                        vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect(sub));
                    }
                });
    }

    public boolean connected() {
        PgSubscriber sub = subscriber;
        return sub != null && sub.actualConnection() != null;
    }

    public void stop() {
        PgSubscriber sub = subscriber;
        subscriber = null;
        if (sub != null) {
            sub.closeAndForget();
        }
    }

    private static void send(Emitter<String> emitter, String payload) {
        if (payload != null && emitter.hasRequests()) {
            emitter.send(payload);
        }
    }
}
