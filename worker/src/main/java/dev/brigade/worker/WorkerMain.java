package dev.brigade.worker;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import sun.misc.Signal;

/**
 * The worker's entry point. It takes SIGTERM and SIGINT itself (instead of the JVM's immediate
 * shutdown) so that the first one drains and the second one aborts.
 */
@QuarkusMain
public class WorkerMain implements QuarkusApplication {
    @Inject
    WorkerLifecycle lifecycle;

    @Override
    public int run(String... args) throws Exception {
        Signal.handle(new Signal("TERM"), signal -> lifecycle.requestStop());
        Signal.handle(new Signal("INT"), signal -> lifecycle.requestStop());
        return lifecycle.awaitExit();
    }
}
