package dev.brigade.api.relay;

import dev.brigade.core.config.DatabaseUrlConfigSource;
import dev.brigade.core.config.DirectConnectOptions;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.Signal;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * The relay's one LISTEN session, straight to PostgreSQL (BRIGADE_DB_DIRECT_URL), in place of one
 * per worker: every signal it hears goes to the hub. While it is down the relay accepts no
 * subscriber and closes those it had, so that they poll (and find another replica that listens)
 * rather than wait for signals that cannot come.
 */
@ApplicationScoped
public class RelayListener {
    private static final Logger LOG = Logger.getLogger(RelayListener.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final Duration SESSION_CHECK = Duration.ofMillis(250);

    private final Vertx vertx;
    private final RelayHub hub;
    private final boolean enabled;
    private final PgConnectOptions options;
    private volatile PgSubscriber subscriber;
    private volatile boolean listening;

    public RelayListener(Vertx vertx, RelayHub hub, RelayConfig config,
                         @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_URL_PROPERTY) String directUrl,
                         @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_SSL_ROOT_CERT_PROPERTY) Optional<String> caFile,
                         @ConfigProperty(name = DatabaseUrlConfigSource.DIRECT_VERIFY_HOST_PROPERTY, defaultValue = "false") boolean verifyHost) {
        this.vertx = vertx;
        this.hub = hub;
        this.enabled = config.secret().filter(s -> !s.isBlank()).isPresent();
        this.options = DirectConnectOptions.of(directUrl, caFile, verifyHost);
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        PgSubscriber sub = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_DELAY.toMillis());
        sub.channel(Signal.Channel.WAKEUP.pgName())
                .subscribeHandler(ignored -> subscribed())
                .handler(this::wakeup);
        sub.channel(Signal.Channel.CANCEL.pgName()).handler(hub::cancel);
        sub.channel(Signal.Channel.METRICS.pgName()).handler(hub::metrics);
        sub.closeHandler(ignored -> lost());
        subscriber = sub;
        connect(sub);
        // the subscriber reconnects by itself and calls no handler when its session drops: watch it
        vertx.setPeriodic(SESSION_CHECK.toMillis(), id -> {
            if (listening && sub.actualConnection() == null) {
                lost();
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        PgSubscriber sub = subscriber;
        subscriber = null;
        listening = false;
        if (sub != null) {
            sub.close();
        }
        hub.closeAll("the api-server is stopping");
    }

    /** Whether subscribers are accepted: this relay is on and its LISTEN session is up. */
    public boolean listening() {
        return listening;
    }

    public boolean enabled() {
        return enabled;
    }

    private void connect(PgSubscriber sub) {
        sub.connect().onComplete(result -> {
            if (result.failed() && subscriber == sub) {
                LOG.warnf("relay: cannot LISTEN yet (%s); retrying", result.cause().getMessage());
                vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect(sub));
            }
        });
    }

    private void subscribed() {
        boolean first = !listening;
        listening = true;
        if (first) {
            LOG.infof("relay: listening for signals; %d worker(s) subscribed", hub.subscribed());
        }
        hub.resubscribed();
    }

    private void lost() {
        if (listening) {
            LOG.warnf("relay: the LISTEN session was lost; subscribers poll until it is back");
        }
        listening = false;
        hub.closeAll("the relay lost its LISTEN session");
    }

    private void wakeup(String payload) {
        Signal.wakeup(payload).ifPresent(signal -> {
            if (signal == Signal.UNBLOCK) {
                hub.unblock();
            } else {
                hub.wake(1, HandleSignal.parse(payload).orElse(HandleSignal.any()));
            }
        });
    }
}
