package dev.brigade.it.env;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a fleet of workers at its size, as Kubernetes restarts a pod whose process died: a
 * thread of the test starts a new worker (same spec) for every one that exits, whatever its exit
 * code, and keeps a record of each death. Every worker is the environment's, so the test's end
 * stops them like any other.
 */
public final class WorkerSupervisor implements AutoCloseable {
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    /** A worker that exited, when the test saw it, and with which code. */
    public record Death(WorkerProcess worker, Instant at, int exitCode) {
    }

    private final BrigadeEnvironment env;
    private final WorkerSpec spec;
    private final List<WorkerProcess> fleet;
    private final List<Death> deaths = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker-supervisor"));
    private final Future<?> loop;
    private volatile boolean stopping;

    private WorkerSupervisor(BrigadeEnvironment env, WorkerSpec spec, int size) {
        this.env = env;
        this.spec = spec;
        this.fleet = new CopyOnWriteArrayList<>(env.startWorkers(size, spec));
        this.loop = thread.submit(this::superviseUntilClosed);
    }

    /** Starts {@code size} workers (ready when this returns) and keeps that many running. */
    public static WorkerSupervisor start(BrigadeEnvironment env, WorkerSpec spec, int size) {
        return new WorkerSupervisor(env, spec, size);
    }

    /** The workers running now (one that just died may still be listed until it is replaced). */
    public List<WorkerProcess> fleet() {
        return List.copyOf(fleet);
    }

    /** Every worker that exited while supervised, in order. */
    public List<Death> deaths() {
        return List.copyOf(deaths);
    }

    private void superviseUntilClosed() {
        while (!stopping) {
            for (WorkerProcess worker : fleet) {
                if (!worker.alive() && !stopping) {
                    deaths.add(new Death(worker, worker.exitedAt(), worker.awaitExit(Duration.ZERO)));
                    fleet.remove(worker);
                    // a replacement that fails to start fails the test through close()
                    fleet.add(env.startWorker(spec));
                }
            }
            Await.sleep(CHECK_EVERY);
        }
    }

    /** Stops restarting workers (the environment stops the workers themselves after the test). */
    @Override
    public void close() {
        stopping = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(BrigadeEnvironment.READY_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
            loop.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new AssertionError("the supervisor could not keep the fleet running", e);
        }
    }

    /** The deaths so far that the test did not cause itself. */
    public List<Death> deathsOtherThan(List<WorkerProcess> killed) {
        List<Death> other = new ArrayList<>();
        deaths.forEach(death -> {
            if (!killed.contains(death.worker())) {
                other.add(death);
            }
        });
        return other;
    }
}
