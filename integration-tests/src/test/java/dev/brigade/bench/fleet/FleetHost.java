package dev.brigade.bench.fleet;

import com.sun.net.httpserver.HttpServer;
import io.vertx.mutiny.core.Vertx;
import sun.misc.Signal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many worker identities in one process, for fleets larger than this machine's memory holds as
 * processes: {@code fleet.identities} {@link WorkerCell}s, each the worker's real loop, heartbeat,
 * signal and janitor code with its own id, app_status row and database pool, started evenly over
 * {@code fleet.start-over} (a rollout's start-up storm). Their settings are the worker's
 * ({@link FleetSettings}). The identities share one Vert.x instance and the JVM, nothing else.
 *
 * <p>Every identity's readiness check is asked every {@code fleet.probe-period} (default 30 s,
 * deploy/'s worker readinessProbe; 0 for none), the identities' probes spread over the period as
 * the kubelet's timers of separate pods are: the probes' own statements are part of a fleet's cost.
 *
 * <p>{@code GET /ready} on {@code fleet.port} answers 200 once every identity has started (its
 * row registered, its loop running). SIGTERM or SIGINT: every identity stops as a worker does
 * (running tasks finish, rows deleted), then the process exits 0. An identity that would halt its
 * worker process (its heartbeat lost, itself judged missing) halts this one: the benchmark sees
 * the exit.
 */
public final class FleetHost {
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private FleetHost() {
    }

    public static void main(String[] args) throws Exception {
        int identities = Integer.getInteger("fleet.identities", 10);
        Duration startOver = Duration.parse(System.getProperty("fleet.start-over", "PT0S"));
        String label = System.getProperty("fleet.label", "fleet");
        FleetSettings settings = FleetSettings.load();
        Vertx vertx = Vertx.vertx();
        List<WorkerCell> cells = new ArrayList<>();
        for (int i = 1; i <= identities; i++) {
            cells.add(new WorkerCell(settings, vertx, label + "-" + i + "@" + ProcessHandle.current().pid()));
        }
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        serveReadiness(Integer.getInteger("fleet.port"), cells);

        long pause = startOver.toNanos() / Math.max(1, identities);
        long next = System.nanoTime();
        for (WorkerCell cell : cells) {
            if (stop.getCount() == 0) {
                break;
            }
            Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            cell.start();
            next += pause;
        }
        System.out.printf("fleet %s: %d identities started over %s%n", label, identities, startOver);
        Duration probePeriod = Duration.parse(System.getProperty("fleet.probe-period", "PT30S"));
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("fleet-probes").daemon().factory());
        if (!probePeriod.isZero()) {
            for (int i = 0; i < cells.size(); i++) {
                long offset = probePeriod.toNanos() * i / cells.size();
                kubelet.scheduleAtFixedRate(cells.get(i)::probeReadiness, offset, probePeriod.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        stop.await();

        System.out.printf("fleet %s: stopping %d identities%n", label, identities);
        kubelet.shutdownNow();
        cells.forEach(WorkerCell::requestStop);
        for (WorkerCell cell : cells) {
            cell.awaitStopped(STOP_WAIT);
        }
        vertx.closeAndAwait();
        System.out.printf("fleet %s: stopped%n", label);
        System.exit(0);
    }

    private static void serveReadiness(int port, List<WorkerCell> cells) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/ready", exchange -> {
            long started = cells.stream().filter(WorkerCell::started).count();
            byte[] body = (started + " of " + cells.size() + " identities started\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(started == cells.size() ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
