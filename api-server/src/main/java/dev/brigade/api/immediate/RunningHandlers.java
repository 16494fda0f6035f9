package dev.brigade.api.immediate;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many immediate handler threads run in this process (ImmediateRunner), counted from their
 * start until they return, past any time limit (a handler that ignores its stop keeps its task's
 * reservations under this process's row). While any does, a stopping api-server must not delete
 * its app_status row (ApiPresence): a janitor would then free those tasks and their reservations
 * while the handler still runs in this JVM; the row ages out after its ttl, once the process is gone.
 */
@ApplicationScoped
public class RunningHandlers {
    private final AtomicInteger running = new AtomicInteger();

    void started() {
        running.incrementAndGet();
    }

    void returned() {
        running.decrementAndGet();
    }

    public int running() {
        return running.get();
    }
}
