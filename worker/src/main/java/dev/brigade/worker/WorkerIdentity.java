package dev.brigade.worker;

import dev.brigade.core.process.BrigadeVersion;
import dev.brigade.core.process.ProcessName;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.UUID;

/** Who this worker process is: its app_status id (the value of app_lock), name and versions. */
@ApplicationScoped
public class WorkerIdentity {
    private final UUID id;
    private final String name;

    /** This process: a new id, the process's name (host and pid). */
    public WorkerIdentity() {
        this(UUID.randomUUID(), ProcessName.current());
    }

    /** A worker of the given id and name (the fleet benchmark runs many in one process). */
    public WorkerIdentity(UUID id, String name) {
        this.id = id;
        this.name = name;
    }

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
