package dev.brigade.worker.process;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One started child of a process handler, stopped with its descendants. Java starts children in
 * the worker's own process group, so "the child and its descendants" is the process tree: the
 * descendants are looked up at each signal and remembered, so that a grandchild whose parent
 * died of the SIGTERM (it is then no longer a descendant) still gets the SIGKILL.
 */
final class ChildProcess {
    private final Process process;
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    ChildProcess(Process process) {
        this.process = process;
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM to the child and every descendant. */
    synchronized void terminate() {
        signal(false);
    }

    /** SIGKILL to the child and every descendant, those seen at an earlier signal included. */
    synchronized void kill() {
        signal(true);
    }

    private void signal(boolean force) {
        // descendants first, while the child still links them to this tree
        process.descendants().forEach(seen::add);
        seen.add(process.toHandle());
        for (ProcessHandle handle : seen) {
            // a handle checks the process's start time too: a reused pid is never signaled
            if (handle.isAlive()) {
                if (force) {
                    handle.destroyForcibly();
                } else {
                    handle.destroy();
                }
            }
        }
    }
}
