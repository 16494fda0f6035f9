package dev.brigade.worker;

import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.process.ProcessName;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.UUID;

/** Who this worker process is: its app_status id (the value of app_lock), name and versions. */
@ApplicationScoped
public class WorkerIdentity {
    private final UUID id = UUID.randomUUID();
    private final String name = ProcessName.current();

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Map<String, String> versions() {
        return BrigadeVersion.components();
    }
}
