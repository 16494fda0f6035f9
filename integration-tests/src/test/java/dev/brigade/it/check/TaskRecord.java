package dev.brigade.it.check;

import dev.brigade.core.reservation.Reservation;
import dev.brigade.core.task.TaskState;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the invariant checker reads of a task row. Times are the database's. */
public record TaskRecord(UUID id, String name, TaskState state, Instant createdAt, Instant unblockedAt,
                         Instant startedAt, Instant finishedAt, List<String> reservedResources, String worker,
                         String errorDescription) {

    public TaskRecord {
        reservedResources = List.copyOf(reservedResources);
    }

    public List<Reservation> reservations() {
        return reservedResources.stream().map(Reservation::decode).toList();
    }

    /** FIFO order: created_at, then id as PostgreSQL orders uuids (unsigned bytes, i.e. the hex text). */
    public boolean createdBefore(TaskRecord other) {
        int byTime = createdAt.compareTo(other.createdAt);
        return byTime != 0 ? byTime < 0 : id.toString().compareTo(other.id.toString()) < 0;
    }

    @Override
    public String toString() {
        return "task " + id + " " + name + " " + state.dbName() + " " + reservedResources
                + " created " + createdAt + " unblocked " + unblockedAt + " started " + startedAt
                + " finished " + finishedAt + " worker " + worker
                + (errorDescription == null ? "" : " error \"" + errorDescription + "\"");
    }
}
