package dev.brigade.it.fault;

import dev.brigade.core.task.TaskState;
import dev.brigade.it.check.TaskRecord;
import dev.brigade.it.db.TaskSpec;
import dev.brigade.it.env.ApiServerProcess;
import dev.brigade.it.env.Await;
import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the relay (the api-server) while tasks are dispatched to workers in signals mode
 * relay: the workers notice, poll meanwhile (every task dispatched during the outage completes),
 * subscribe again once a relay is back on the same address, and hear signals again (a pickup far
 * faster than their poll interval); the invariants hold over the whole run.
 */
@Timeout(180)
class RelayKillIT {
    private static final ConnectionMode MODE = ConnectionMode.PGBOUNCER_RELAY;
    /** Long enough that only a relayed signal explains a pickup within {@link #HEARD}. */
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    private static final Duration HEARD = Duration.ofSeconds(3);
    private static final int RESOURCES = 10;

    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @Test
    void workersPollWhileTheRelayIsDeadThenSubscribeAgain() throws Exception {
        ApiServerProcess relay = env.relay();
        List<WorkerProcess> workers = env.startWorkers(3, WorkerSpec.of(MODE).concurrency(2)
                .with("brigade.worker.poll-interval", POLL_INTERVAL.toSeconds() + "S"));
        awaitSubscribed(workers, true);
        assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(0)))).as("before the kill").isLessThan(HEARD);

        Set<UUID> dispatched = ConcurrentHashMap.newKeySet();
        AtomicBoolean dispatching = new AtomicBoolean(true);
        Thread dispatcher = Thread.ofPlatform().name("dispatcher").start(() -> {
            for (int i = 0; dispatching.get() && i < 2_000; i++) {
                TaskSpec sleep = TaskSpec.sleep(0.02);
                String resource = "repository:relay-" + (i % RESOURCES);
                dispatched.add(env.dispatcher().dispatch(i % 3 == 0 ? sleep.shared(resource) : sleep.exclusive(resource)));
                try {
                    Thread.sleep(10); // a steady stream, not a burst: the outage must fall in its middle
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Await.until("tasks completing through the relay", Duration.ofSeconds(60),
                    () -> env.tasks().get(Set.copyOf(dispatched)).stream().filter(t -> t.state().isFinal()).count(),
                    done -> done >= 30);
            relay.kill();
            assertThat(relay.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
            awaitSubscribed(workers, false);
            int beforeOutage = dispatched.size();
            Await.until("tasks dispatched during the outage", Duration.ofSeconds(30),
                    dispatched::size, n -> n >= beforeOutage + 50);
        } finally {
            dispatching.set(false);
            dispatcher.join(Duration.ofSeconds(30));
        }
        env.awaitAllFinal(Duration.ofSeconds(90)); // by polling alone: no relay is up
        assertThat(env.tasks().get(Set.copyOf(dispatched))).allSatisfy(task ->
                assertThat(task.state()).as("task %s", task.id()).isEqualTo(TaskState.COMPLETED));

        env.relay(); // a new relay on the address the workers know
        awaitSubscribed(workers, true);
        for (int i = 0; i < 3; i++) {
            assertThat(pickupDelay(env.dispatcher().dispatch(TaskSpec.echo(1 + i))))
                    .as("a task dispatched after the workers subscribed again is picked up on its signal").isLessThan(HEARD);
        }
        assertThat(workers).allSatisfy(w -> assertThat(w.alive()).as("%s", w).isTrue());
        env.assertInvariants();
    }

    private static void awaitSubscribed(List<WorkerProcess> workers, boolean subscribed) {
        List<WorkerProcess> all = new ArrayList<>(workers);
        Await.until("every worker " + (subscribed ? "subscribed to" : "cut off from") + " the relay",
                Duration.ofSeconds(60), () -> all.stream().allMatch(w -> w.relayConnected() == subscribed));
    }

    private static Duration pickupDelay(UUID id) {
        TaskRecord done = env.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        return Duration.between(done.createdAt(), done.startedAt());
    }
}
