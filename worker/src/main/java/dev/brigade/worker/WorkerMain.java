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
        return lifecycle.awaitExit();
    }

    /**
     * Called at start-up, before the worker can answer ready: a stop request in the moment after
     * that must not fall to the JVM's default handling. The JVM runs signal handlers on a thread
     * of its own whose class loader cannot see the application's classes; beans first touched
     * there would fail to load, hence the class loader handed over.
     */
    static void takeStopSignals(WorkerLifecycle lifecycle) {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                Thread.currentThread().setContextClassLoader(application);
                lifecycle.requestStop();
            });
        }
    }
}
