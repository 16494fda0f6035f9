package dev.brigade.worker.signal;

import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.signal.RelayProtocol;
import dev.brigade.core.signal.Signal;
import dev.brigade.worker.RelayConfig;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signals mode {@code relay}: one WebSocket to the api-server's relay (RelayProtocol) instead of
 * a PostgreSQL session, bridged into the messaging channels {@link SignalChannels} like the
 * LISTEN session of mode listen. It also tells the relay how much room this worker has, so that
 * a dispatch wakes one worker rather than all. When the relay is away it reconnects with backoff
 * and jitter (the next replica of BRIGADE_RELAY_URL first), and the worker polls meanwhile
 * ({@link #connected()}); every (re)connection counts as a wakeup, since signals sent while it was
 * away are lost.
 */
@ApplicationScoped
public class RelaySignalClient {
    private static final Logger LOG = Logger.getLogger(RelaySignalClient.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);
    /** A relay that answers no ping for this long is gone (a cut link delivers no close). */
    private static final Duration PING_EVERY = Duration.ofSeconds(10);
    private static final Duration PONG_WITHIN = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final WorkerIdentity identity;
    private final boolean auxiliary;
    /** The handler names this worker runs, for the relay to wake it only for tasks it can claim. */
    private final Optional<String> handlersHeader;
    private final List<String> bases;
    private final String secret;
    private final Emitter<String> wakeups;
    private final Emitter<String> cancels;
    private final Emitter<String> metrics;
    private final AtomicInteger failures = new AtomicInteger();
    private WebSocketClient client;
    private int next;
    private volatile WebSocket socket;
    private volatile boolean stopped;
    private volatile long lastPongNanos;
    /** The room last told to the relay over the current socket; -1: nothing told yet. */
    private int toldRoom = -1;

    public RelaySignalClient(Vertx vertx, WorkerIdentity identity, WorkerConfig worker, RelayConfig relay, TaskHandlers handlers,
                             @Channel(SignalChannels.WAKEUP) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> wakeups,
                             @Channel(SignalChannels.CANCEL) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> cancels,
                             @Channel(SignalChannels.METRICS) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> metrics) {
        this.vertx = vertx;
        this.identity = identity;
        this.auxiliary = worker.auxiliary();
        this.handlersHeader = RelayProtocol.handlersHeader(handlers.names());
        this.bases = relay.url().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.secret = relay.secret().orElse("");
        this.wakeups = wakeups;
        this.cancels = cancels;
        this.metrics = metrics;
    }

    /** Fails when the settings signals mode relay needs are missing, before anything starts. */
    public void checkSettings() {
        if (bases.isEmpty()) {
            throw new IllegalStateException("signals mode relay needs BRIGADE_RELAY_URL (brigade.relay.url): "
                    + "the api-server's base URL, e.g. http://brigade-api:8080");
        }
        if (secret.isEmpty()) {
            throw new IllegalStateException("signals mode relay needs BRIGADE_RELAY_SECRET (brigade.relay.secret), "
                    + "the same as the api-server's");
        }
        bases.forEach(RelaySignalClient::signalsUri);
    }

    public void start() {
        checkSettings();
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5_000));
        next = Math.floorMod(identity.id().hashCode(), bases.size()); // spreads a fleet over the replicas
        connect();
        vertx.setPeriodic(PING_EVERY.toMillis(), id -> pingOrDrop());
    }

    public boolean connected() {
        return socket != null;
    }

    public void stop() {
        stopped = true;
        WebSocket ws = socket;
        socket = null;
        if (ws != null) {
            ws.close();
        }
    }

    /** Tells the relay how many tasks this worker would claim if woken (0: none); only changes are sent. */
    public synchronized void reportRoom(int room) {
        if (room != toldRoom && send(RelayProtocol.room(room))) {
            toldRoom = room;
        }
    }

    /** This worker's claim filled its room: more may be claimable, for other workers. */
    public void reportMore() {
        send(RelayProtocol.MORE);
    }

    /** Woken without room: the relay should wake another worker instead. */
    public void pass() {
        send(RelayProtocol.PASS);
    }

    private boolean send(String message) {
        WebSocket ws = socket;
        if (ws == null) {
            return false;
        }
        ws.writeTextMessage(message);
        return true;
    }

    private void connect() {
        if (stopped) {
            return;
        }
        String base = bases.get(next);
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(signalsUri(base).toString())
                .addHeader("Authorization", "Bearer " + secret)
                .addHeader(RelayProtocol.WORKER_HEADER, identity.id().toString())
                .addHeader(RelayProtocol.AUXILIARY_HEADER, Boolean.toString(auxiliary));
        handlersHeader.ifPresent(names -> options.addHeader(RelayProtocol.HANDLERS_HEADER, names));
        client.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                opened(result.result(), base);
            } else {
                retry(base, result.cause().getMessage());
            }
        });
    }

    private void opened(WebSocket ws, String base) {
        if (stopped) {
            ws.close();
            return;
        }
        failures.set(0);
        lastPongNanos = System.nanoTime();
        ws.pongHandler(pong -> lastPongNanos = System.nanoTime());
        ws.textMessageHandler(this::received);
        ws.closeHandler(closed -> {
            if (socket == ws) {
                socket = null;
                retry(base, "the relay closed the connection" + (ws.closeReason() == null ? "" : ": " + ws.closeReason()));
            }
        });
        synchronized (this) {
            toldRoom = -1;
            socket = ws;
        }
        LOG.infof("receiving signals from the relay at %s", base);
        // whatever was signalled while away is lost: look for work and releases now
        emit(wakeups, Signal.UNBLOCK.payload());
        emit(wakeups, Signal.HANDLE.payload());
    }

    private void retry(String base, String why) {
        if (stopped) {
            return;
        }
        int failure = failures.incrementAndGet();
        next = (next + 1) % bases.size();
        long backoff = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failure - 1, 10));
        long delay = (long) (backoff * ThreadLocalRandom.current().nextDouble(0.5, 1.5));
        if (failure == 1 || failure % 10 == 0) {
            LOG.warnf("no signals from the relay at %s (%s); polling meanwhile, next attempt in %d ms", base, why, delay);
        }
        vertx.setTimer(delay, id -> connect());
    }

    private void pingOrDrop() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        if (System.nanoTime() - lastPongNanos > PONG_WITHIN.toNanos()) {
            LOG.warnf("the relay answered no ping for %s: dropping the connection", PONG_WITHIN);
            ws.close((short) 1001, "no pong");
            return;
        }
        ws.writePing(Buffer.buffer());
    }

    private void received(String message) {
        switch (message) {
            case RelayProtocol.HANDLE -> {
                synchronized (this) {
                    toldRoom = -1; // the relay counts a woken worker as having no room until it reports again
                }
                emit(wakeups, Signal.HANDLE.payload());
            }
            case RelayProtocol.UNBLOCK -> emit(wakeups, Signal.UNBLOCK.payload());
            default -> {
                RelayProtocol.cancelOf(message).ifPresentOrElse(task -> emit(cancels, task),
                        () -> RelayProtocol.metricsOf(message).ifPresentOrElse(json -> emit(metrics, json),
                                () -> LOG.debugf("ignored a relay message: %s", message)));
            }
        }
    }

    private static URI signalsUri(String base) {
        URI uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalStateException("BRIGADE_RELAY_URL must be http:// or https:// URLs; got " + base);
        }
        return URI.create((scheme.equals("https") ? "wss" : "ws") + "://" + uri.getRawAuthority()
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + RelayProtocol.PATH);
    }

    private static void emit(Emitter<String> emitter, String payload) {
        if (emitter.hasRequests()) {
            emitter.send(payload);
        }
    }
}
