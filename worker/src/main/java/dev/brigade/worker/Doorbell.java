package dev.brigade.worker;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes the worker loop: rung by signals, finished tasks and shutdown; awaited with a timeout. */
public final class Doorbell {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition rung = lock.newCondition();
    private boolean pending;

    public void ring() {
        lock.lock();
        try {
            pending = true;
            rung.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until rung (true) or the timeout passes (false); a ring before the call counts. */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!pending && nanos > 0) {
                nanos = rung.awaitNanos(nanos);
            }
            boolean wasRung = pending;
            pending = false;
            return wasRung;
        } finally {
            lock.unlock();
        }
    }

}
