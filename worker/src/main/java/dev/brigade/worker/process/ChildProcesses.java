package dev.brigade.worker.process;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children of process handlers that run now. A worker that halts (a stubborn bean handler,
 * shutdown out of grace, a lost heartbeat) kills them first: they must not outlive the tasks it
 * records final, nor the worker itself.
 */
@ApplicationScoped
public class ChildProcesses {
    private final Set<ChildProcess> running = ConcurrentHashMap.newKeySet();

    void add(ChildProcess child) {
        running.add(child);
    }

    void remove(ChildProcess child) {
        running.remove(child);
    }

    /** SIGKILL to every running child and its descendants; returns how many children there were. */
    public int killAll() {
        int count = 0;
        for (ChildProcess child : running) {
            child.kill();
            count++;
        }
        return count;
    }
}
