package dev.brigade.worker.health;

import dev.brigade.worker.WorkerLifecycle;
import dev.brigade.worker.WorkerLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

/**
 * Live: the worker loop is running (or stopping on purpose), or the worker is still waiting for
 * its schema. No database call: a slow database is not a reason to restart.
 */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {
    private final WorkerLoop loop;
    private final WorkerLifecycle lifecycle;

    public WorkerLiveness(WorkerLoop loop, WorkerLifecycle lifecycle) {
        this.loop = loop;
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("brigade-worker-loop").status(loop.alive() || lifecycle.waitingForSchema()).build();
    }

    /**
     * Started: registered and looping, or waiting for the api-server to apply the schema (a first
     * rollout may take longer than any startup probe's window; waiting is not a failed start).
     */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {
        private final WorkerLifecycle lifecycle;

        public Started(WorkerLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("brigade-worker-started")
                    .status(lifecycle.started() || lifecycle.waitingForSchema())
                    .withData("waiting_for_schema", lifecycle.waitingForSchema())
                    .build();
        }
    }
}
