package dev.brigade.it.env;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the tests started, so that a JVM exiting for any reason (a failed test, an
 * interrupted build) kills what is still running instead of leaving workers and PgBouncer behind.
 */
public final class StartedProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(StartedProcesses::killAll, "brigade-it-process-reaper"));
    }

    private StartedProcesses() {
    }

    public static Process track(Process process) {
        LIVE.add(process);
        process.onExit().thenAccept(LIVE::remove);
        return process;
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
