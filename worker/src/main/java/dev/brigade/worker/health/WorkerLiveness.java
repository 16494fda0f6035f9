package dev.brigade.worker.health;

import dev.brigade.worker.WorkerLifecycle;
import dev.brigade.worker.WorkerLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

/** Live: the worker loop is running (or stopping on purpose). No database call: a slow database is not a reason to restart. */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {
    private final WorkerLoop loop;

    public WorkerLiveness(WorkerLoop loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("brigade-worker-loop").status(loop.alive()).build();
    }

    /** Started: registered and looping. */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {
        private final WorkerLifecycle lifecycle;

        public Started(WorkerLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("brigade-worker-started").status(lifecycle.started()).build();
        }
    }
}
