package dev.brigade.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test-only handler that may run immediately and ignores its stop (flag and interrupt) until the
 * test lets it go: an immediate handler that outlives its time limit and the stop grace.
 */
@Singleton
public class LatchedStubbornHandler implements TaskHandler {
    public static final String NAME = "test.latched-stubborn";

    private final AtomicReference<CountDownLatch> release = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicReference<CountDownLatch> returned = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicReference<CountDownLatch> started = new AtomicReference<>(new CountDownLatch(1));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean mayRunImmediately() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) {
        CountDownLatch letGo = release.get();
        CountDownLatch done = returned.get();
        started.get().countDown();
        try {
            while (true) {
                try {
                    letGo.await();
                    return null;
                } catch (InterruptedException ignored) {
                    // stubborn on purpose: keeps running past the time limit and the stop grace
                }
            }
        } finally {
            done.countDown();
        }
    }

    /** Fresh latches for the next run. */
    public void reset() {
        release.set(new CountDownLatch(1));
        returned.set(new CountDownLatch(1));
        started.set(new CountDownLatch(1));
    }

    public void letGo() {
        release.get().countDown();
    }

    public boolean isRunning() {
        return started.get().getCount() == 0 && returned.get().getCount() == 1;
    }

    public boolean hasReturned() {
        return returned.get().getCount() == 0;
    }
}
