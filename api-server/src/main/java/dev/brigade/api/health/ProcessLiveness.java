package dev.brigade.api.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

/**
 * Live and started: the process serves HTTP. Deliberately not tied to the database, so that a
 * database outage makes the api-server unready (out of the load balancer) rather than restarted.
 */
@ApplicationScoped
public class ProcessLiveness {

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> HealthCheckResponse.up("http");
    }

    @Produces
    @Startup
    HealthCheck started() {
        return () -> HealthCheckResponse.up("started");
    }
}
