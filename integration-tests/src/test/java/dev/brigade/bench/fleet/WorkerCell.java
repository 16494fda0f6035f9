package dev.brigade.bench.fleet;

import dev.brigade.core.dispatch.Dispatcher;
import dev.brigade.core.dispatch.ScheduleDispatcher;
import dev.brigade.core.config.HandlersConfig;
import dev.brigade.core.handler.HandlerCatalog;
import dev.brigade.core.handler.TaskHandler;
import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.handler.builtin.EchoHandler;
import dev.brigade.core.handler.builtin.FailHandler;
import dev.brigade.core.handler.builtin.ProgressHandler;
import dev.brigade.core.handler.builtin.PurgeHandler;
import dev.brigade.core.handler.builtin.SleepHandler;
import dev.brigade.core.handler.builtin.SpawnHandler;
import dev.brigade.core.handler.builtin.StubbornHandler;
import dev.brigade.worker.ProcessExit;
import dev.brigade.worker.RelayConfig;
import dev.brigade.worker.RequiredSchema;
import dev.brigade.worker.SignalsConfig;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerIdentity;
import dev.brigade.worker.WorkerLifecycle;
import dev.brigade.worker.WorkerLoop;
import dev.brigade.worker.claim.TaskClaimer;
import dev.brigade.worker.execute.HeldTasks;
import dev.brigade.worker.execute.LocalQueue;
import dev.brigade.worker.execute.TaskCompleter;
import dev.brigade.worker.execute.TaskSupervisor;
import dev.brigade.worker.health.WorkerReadiness;
import dev.brigade.worker.heartbeat.HeartbeatWriter;
import dev.brigade.worker.janitor.JanitorDuties;
import dev.brigade.worker.metrics.WorkerMetrics;
import dev.brigade.worker.process.ChildProcesses;
import dev.brigade.worker.signal.PgSignalListener;
import dev.brigade.worker.signal.RelaySignalClient;
import dev.brigade.worker.signal.SignalReceiver;
import dev.brigade.worker.unblock.UnblockPass;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One worker identity of a {@link FleetHost}: the worker's own classes (loop, heartbeat and
 * dues, signal listener or relay client, janitor, supervisor, completer), wired by hand the way
 * the worker's CDI container wires them, around a pool of its own. Nothing here re-implements
 * worker behaviour: a change to a constructor breaks this class's compilation, not its fidelity.
 *
 * <p>The built-in handlers except {@code brigade.crash} (it halts its process, here every
 * identity at once) and {@code brigade.record} (its run log is one per process).
 */
final class WorkerCell {
    private final WorkerIdentity identity;
    private final Pool pool;
    private final WorkerLifecycle lifecycle;
    private final WorkerReadiness readiness;

    WorkerCell(FleetSettings settings, Vertx vertx, String name) {
        this.identity = new WorkerIdentity(UUID.randomUUID(), name);
        this.pool = settings.newPool(vertx);
        WorkerConfig config = settings.worker();
        SignalsConfig signals = settings.signals();
        RelayConfig relayConfig = settings.relay();

        HeldTasks held = new HeldTasks();
        List<TaskHandler> builtins = List.of(new EchoHandler(), new FailHandler(), new ProgressHandler(),
                new SleepHandler(), new SpawnHandler(), new StubbornHandler(), new PurgeHandler(pool));
        TaskHandlers handlers = new TaskHandlers(builtins, true);
        HandlersConfig handlersConfig = settings.handlers();
        HandlerCatalog catalog = new HandlerCatalog(pool, handlers, handlersConfig.known().orElse(Set.of()),
                handlersConfig.advertisedTtl());
        HeartbeatWriter heartbeat = new HeartbeatWriter(pool, identity, handlers, config);
        WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), held, heartbeat, config);
        Dispatcher dispatcher = new Dispatcher(pool, catalog);
        TaskCompleter completer = new TaskCompleter(pool, identity, held, metrics, config);
        ProcessExit processExit = new ProcessExit(pool, identity, completer, new ChildProcesses());
        LocalQueue localQueue = new LocalQueue(pool, identity, held, config);
        TaskSupervisor supervisor = new TaskSupervisor(pool, identity, handlers, dispatcher, held, localQueue,
                completer, processExit, config, settings.immediateTimeout(), metrics);
        UnblockPass unblockPass = new UnblockPass(pool, config, metrics);

        // the signal channels: in the worker, SmallRye Reactive Messaging carries them to SignalReceiver
        Forward wakeups = new Forward();
        Forward cancels = new Forward();
        Forward figures = new Forward();
        RelaySignalClient relay = new RelaySignalClient(vertx.getDelegate(), identity, config, relayConfig, handlers,
                wakeups, cancels, figures);
        PgSignalListener listener = new PgSignalListener(vertx, settings.directUrl(), settings.directCaFile(),
                settings.directVerifyHost(), wakeups, cancels, figures);
        WorkerLoop loop = new WorkerLoop(pool, identity, handlers, new TaskClaimer(pool, identity, handlers, metrics), supervisor,
                completer, held, localQueue, unblockPass, config, signals, relay);
        SignalReceiver receiver = new SignalReceiver(loop, supervisor, metrics, handlers);
        wakeups.to(receiver::onWakeup);
        cancels.to(receiver::onCancel);
        figures.to(receiver::onMetrics);

        JanitorDuties janitor = new JanitorDuties(pool, unblockPass, new ScheduleDispatcher(pool, dispatcher, catalog), config,
                settings.retention(), metrics);
        RequiredSchema schema = new RequiredSchema(pool);
        this.lifecycle = new WorkerLifecycle(config, signals, identity, heartbeat, janitor, listener, relay, loop,
                held, processExit, schema);
        this.readiness = new WorkerReadiness(pool, heartbeat, listener, signals, schema, relay);
    }

    UUID id() {
        return identity.id();
    }

    /** Returns at once: the worker waits for its schema, registers, listens and loops on threads of its own. */
    void start() {
        lifecycle.start();
    }

    boolean started() {
        return lifecycle.started();
    }

    /** Asks the worker's readiness check, as a kubelet's probe does; returns at once. */
    void probeReadiness() {
        readiness.call().subscribe().with(response -> { }, failure -> { });
    }

    /** A first stop request (running tasks finish); returns at once. */
    void requestStop() {
        lifecycle.requestStop();
    }

    /** Waits until the worker has stopped (its app_status row deleted), then closes its pool. */
    void awaitStopped(Duration timeout) throws InterruptedException {
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                lifecycle.awaitExit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.join(timeout);
        pool.closeAndAwait();
    }

    /** An emitter that hands each payload to its consumer on the sender's thread, as the channel does for SignalReceiver. */
    private static final class Forward implements Emitter<String> {
        private volatile Consumer<String> consumer = payload -> { };

        void to(Consumer<String> target) {
            this.consumer = target;
        }

        @Override
        public CompletionStage<Void> send(String payload) {
            consumer.accept(payload);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public <M extends Message<? extends String>> void send(M message) {
            consumer.accept(message.getPayload());
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
