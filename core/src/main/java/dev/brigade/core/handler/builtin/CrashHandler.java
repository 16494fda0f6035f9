package dev.brigade.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.handler.TaskContext;
import dev.brigade.core.handler.TaskFailure;
import dev.brigade.core.handler.TaskHandler;
import jakarta.inject.Singleton;

/**
 * Diagnostic brigade.crash: SIGKILLs the process running it (named {@code pid@host}), to
 * exercise missing-worker recovery. Refuses to kill a process of another host.
 */
@Singleton
public class CrashHandler implements TaskHandler {
    @Override
    public String name() {
        return "brigade.crash";
    }

    @Override
    public boolean diagnostic() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode args, TaskContext context) throws Exception {
        String[] pidAtHost = context.processName().split("@", 2);
        long pid = Long.parseLong(pidAtHost[0]);
        if (pid != ProcessHandle.current().pid()) {
            throw new TaskFailure("brigade.crash kills only the process that runs it");
        }
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
        Thread.sleep(Long.MAX_VALUE);
        return null;
    }
}
