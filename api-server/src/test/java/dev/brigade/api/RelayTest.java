package dev.brigade.api;

import dev.brigade.api.relay.RelayHub;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.RelayProtocol;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The signal relay against real PostgreSQL NOTIFYs, with test subscribers speaking RelayProtocol
 * as workers do. "Nothing else arrived" is never waited out: each check ends with a metrics
 * signal, which reaches every subscriber after whatever the relay sent it before.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RelayTest extends ApiTestBase {
    private static final String SECRET = "test-relay-secret";

    @Inject
    Vertx vertx;

    @Inject
    RelayHub hub;

    @TestHTTPResource("/")
    URL base;

    private WebSocketClient client;
    private final List<Subscriber> subscribers = new ArrayList<>();

    /** A clean hub: no subscriber left, no wakeup owed from the dispatches of other tests. */
    @BeforeEach
    void client() throws Exception {
        client = vertx.createWebSocketClient();
        Subscriber drain = subscribe(false);
        drain.say(RelayProtocol.room(1));
        awaitHub("the owed wakeup taken", () -> !hub.wakeupOwed() && hub.subscribed() == 1);
        drain.socket.close();
        subscribers.clear();
        awaitHub("no subscriber", () -> hub.subscribed() == 0 && hub.waitingWorkers() == 0);
    }

    @AfterEach
    void close() {
        subscribers.forEach(s -> s.socket.close());
        subscribers.clear();
        client.close();
    }

    @Test
    void aSubscriberWithoutTheSecretGets401AndOneWithoutAWorkerIdGets400() {
        given().get(RelayProtocol.PATH).then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").get(RelayProtocol.PATH).then().statusCode(401);
        given().header("Authorization", "Bearer " + SECRET).header(RelayProtocol.WORKER_HEADER, "not-a-uuid")
                .get(RelayProtocol.PATH).then().statusCode(400);
    }

    @Test
    void aDispatchWakesOneWaitingWorkerAndAWakeupNobodyCouldTakeGoesToTheNextThatHasRoom() throws Exception {
        Subscriber a = subscribe(false);
        Subscriber b = subscribe(false);
        Subscriber c = subscribe(false);
        waitWithRoom(a, 1);
        waitWithRoom(b, 2);
        waitWithRoom(c, 3);

        dispatch(echo()); // a real dispatch: its handle NOTIFY reaches the relay at commit
        settle();
        assertThat(a.handles + b.handles + c.handles).as("workers woken by one dispatch").isEqualTo(1);
        assertThat(a.handles).as("the worker waiting longest").isEqualTo(1);

        notify("brigade_wakeup", "handle");
        notify("brigade_wakeup", "handle");
        settle();
        assertThat(List.of(a.handles, b.handles, c.handles)).containsExactly(1, 1, 1);

        notify("brigade_wakeup", "handle"); // nobody waits with room now: owed
        settle();
        assertThat(a.handles + b.handles + c.handles).isEqualTo(3);
        assertThat(hub.wakeupOwed()).isTrue();
        b.say(RelayProtocol.room(1));
        b.awaitHandles(2);
        settle();
        assertThat(List.of(a.handles, b.handles, c.handles)).as("the owed wakeup, once").containsExactly(1, 2, 1);
    }

    @Test
    void aFullClaimWakesTwoMoreAndAWorkerWithoutRoomPassesItsWakeupOn() throws Exception {
        Subscriber a = subscribe(false);
        Subscriber b = subscribe(false);
        Subscriber c = subscribe(false);
        Subscriber d = subscribe(false);
        int waiting = 0;
        for (Subscriber s : List.of(a, b, c, d)) {
            waitWithRoom(s, ++waiting);
        }
        notify("brigade_wakeup", "handle");
        a.awaitHandles(1);
        a.say(RelayProtocol.MORE);
        b.awaitHandles(1);
        c.awaitHandles(1);
        settle();
        assertThat(d.handles).as("more wakes two, not all").isZero();
        c.say(RelayProtocol.PASS);
        d.awaitHandles(1);
        settle();
        assertThat(List.of(a.handles, b.handles, c.handles, d.handles)).containsExactly(1, 1, 1, 1);
    }

    /**
     * A mixed fleet: a handle that names handlers wakes a worker that runs one of them, even when
     * another waited longer; owed, it waits for such a worker; one that names none wakes any.
     */
    @Test
    void aHandleForNamedHandlersWakesAWorkerThatRunsOne() throws Exception {
        Subscriber stock = subscribe(false, Set.of("brigade.echo", "brigade.sleep"));
        Subscriber syncs = subscribe(false, Set.of("repository.sync", "repository.index"));
        Subscriber untold = subscribe(false, null); // an older worker: taken for one that runs every name
        waitWithRoom(syncs, 1);
        waitWithRoom(stock, 2);

        dispatch(echo()); // a real dispatch: its handle names brigade.echo
        stock.awaitHandles(1);
        settle();
        assertThat(syncs.handles).as("the longest waiting runs no brigade.echo").isZero();

        waitWithRoom(stock, 2);
        notify("brigade_wakeup", HandleSignal.of(Set.of("repository.sync")).payload());
        syncs.awaitHandles(1);
        settle();
        assertThat(stock.handles).isEqualTo(1);

        notify("brigade_wakeup", HandleSignal.of(Set.of("repository.index")).payload());
        settle();
        assertThat(stock.handles).as("nobody waiting runs it: owed, not given to another").isEqualTo(1);
        assertThat(hub.wakeupOwed()).isTrue();
        stock.say(RelayProtocol.room(2)); // still waiting with room: not its wakeup
        settle();
        assertThat(stock.handles).isEqualTo(1);
        syncs.say(RelayProtocol.room(1));
        syncs.awaitHandles(2);
        settle();
        assertThat(hub.wakeupOwed()).as("its claim covers the owed wakeup").isFalse();

        waitWithRoom(untold, 2);
        notify("brigade_wakeup", HandleSignal.of(Set.of("acme.only")).payload());
        untold.awaitHandles(1);
        notify("brigade_wakeup", HandleSignal.any().payload());
        stock.awaitHandles(2);
        settle();
        assertThat(List.of(stock.handles, syncs.handles, untold.handles)).containsExactly(2, 2, 1);
    }

    @Test
    void aCancelReachesOnlyTheTaskHolderAndAnUnblockOneWorkerThatRunsTheUnblocker() throws Exception {
        Subscriber auxiliary = subscribe(true);
        Subscriber holder = subscribe(false);
        Subscriber other = subscribe(false);
        waitWithRoom(auxiliary, 1);
        waitWithRoom(other, 2);

        UUID task = UUID.randomUUID();
        notify("brigade_cancel", task + " " + holder.id);
        notify("brigade_wakeup", "unblock");
        settle();
        assertThat(holder.cancels).containsExactly(task.toString());
        assertThat(other.cancels).isEmpty();
        assertThat(auxiliary.cancels).isEmpty();
        assertThat(auxiliary.unblocks + holder.unblocks + other.unblocks).as("workers asked to unblock").isEqualTo(1);
        assertThat(other.unblocks).as("a waiting worker that runs the unblocker").isEqualTo(1);

        UUID unheld = UUID.randomUUID();
        notify("brigade_cancel", unheld.toString()); // no holder named: everyone checks
        settle();
        for (Subscriber s : List.of(auxiliary, holder, other)) {
            assertThat(s.cancels).contains(unheld.toString());
        }
    }

    /** Reports room and waits until the relay counts {@code waitingNow} workers waiting. */
    private void waitWithRoom(Subscriber subscriber, int waitingNow) throws InterruptedException {
        subscriber.say(RelayProtocol.room(1));
        awaitHub(waitingNow + " worker(s) waiting", () -> hub.waitingWorkers() == waitingNow);
    }

    /** Polls the hub's state (its frames are handled on other threads) until the condition holds. */
    private static void awaitHub(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the relay: " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Ends a check: a metrics signal, awaited at every subscriber, comes after all that was sent before it. */
    private void settle() throws InterruptedException {
        String marker = "{\"marker\":\"" + UUID.randomUUID() + "\"}";
        notify("brigade_metrics", marker);
        for (Subscriber s : subscribers) {
            s.awaitMetrics(marker);
        }
    }

    private void notify(String channel, String payload) {
        pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(channel, payload)).await().atMost(WAIT);
    }

    private Subscriber subscribe(boolean auxiliary) throws Exception {
        return subscribe(auxiliary, null);
    }

    /** A subscriber that says which handlers it runs ({@code null}: says nothing, as an older worker). */
    private Subscriber subscribe(boolean auxiliary, Set<String> handlers) throws Exception {
        UUID id = UUID.randomUUID();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI("ws://" + base.getHost() + ":" + base.getPort() + RelayProtocol.PATH)
                .addHeader("Authorization", "Bearer " + SECRET)
                .addHeader(RelayProtocol.WORKER_HEADER, id.toString())
                .addHeader(RelayProtocol.AUXILIARY_HEADER, Boolean.toString(auxiliary));
        if (handlers != null) {
            options.addHeader(RelayProtocol.HANDLERS_HEADER, RelayProtocol.handlersHeader(handlers).orElseThrow());
        }
        Subscriber subscriber = new Subscriber(id);
        WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        subscriber.attach(socket);
        subscribers.add(subscriber);
        return subscriber;
    }

    /** A test worker: counts what the relay sends it, in order. */
    private static final class Subscriber {
        final UUID id;
        final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        final List<String> cancels = new ArrayList<>();
        WebSocket socket;
        int handles;
        int unblocks;

        Subscriber(UUID id) {
            this.id = id;
        }

        void attach(WebSocket socket) {
            this.socket = socket;
            socket.textMessageHandler(inbox::add);
        }

        void say(String message) {
            socket.writeTextMessage(message);
        }

        void awaitHandles(int count) throws InterruptedException {
            while (handles < count) {
                take();
            }
        }

        void awaitMetrics(String marker) throws InterruptedException {
            while (!take().equals(RelayProtocol.metrics(marker))) {
                // counted by take
            }
        }

        private String take() throws InterruptedException {
            String message = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message from the relay to " + id).isNotNull();
            switch (message) {
                case RelayProtocol.HANDLE -> handles++;
                case RelayProtocol.UNBLOCK -> unblocks++;
                default -> RelayProtocol.cancelOf(message).ifPresent(cancels::add);
            }
            return message;
        }
    }
}
