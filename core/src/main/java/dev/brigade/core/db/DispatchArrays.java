package dev.brigade.core.db;

import dev.brigade.core.reservation.Reservation;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.Signal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The parameters of {@link TaskSql#DISPATCH} (and its JDBC twin {@link TaskSql#DISPATCH_JDBC})
 * for a batch of tasks: parallel arrays, the resources flattened with the 1-based position of
 * their task, then the channel and payload of the {@code handle} signal. One place builds them, so
 * the Vert.x and the JDBC dispatch bind the same values; free of client types (brigade-client's
 * JDBC dispatch runs without Vert.x).
 */
public record DispatchArrays(UUID[] ids, String[] names, String[] args, String[] loggingCids, Boolean[] immediate,
                             Boolean[] deferred, String[] domains, UUID[] parents, UUID[] groups, String[] versions,
                             Integer[] resourceTask, String[] resource, Boolean[] resourceExclusive,
                             String[] resourceEncoded, String notifyChannel, String notifyPayload) {

    public static DispatchArrays of(List<TaskStore.NewTask> tasks) {
        int n = tasks.size();
        UUID[] ids = new UUID[n];
        String[] names = new String[n];
        String[] args = new String[n];
        String[] cids = new String[n];
        Boolean[] immediate = new Boolean[n];
        Boolean[] deferred = new Boolean[n];
        String[] domains = new String[n];
        UUID[] parents = new UUID[n];
        UUID[] groups = new UUID[n];
        String[] versions = new String[n];
        List<Integer> resTask = new ArrayList<>();
        List<String> resName = new ArrayList<>();
        List<Boolean> resExclusive = new ArrayList<>();
        List<String> resEncoded = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskStore.NewTask t = tasks.get(i);
            ids[i] = t.id();
            names[i] = t.name();
            args[i] = Json.write(t.args());
            cids[i] = t.loggingCid();
            immediate[i] = t.immediate();
            deferred[i] = t.deferred();
            domains[i] = t.reservations().domain();
            parents[i] = t.parentTask();
            groups[i] = t.taskGroup();
            versions[i] = Json.write(t.versions() == null ? Map.of() : t.versions());
            for (Reservation r : t.reservations().all()) {
                resTask.add(i + 1);
                resName.add(r.resource());
                resExclusive.add(r.exclusive());
                resEncoded.add(r.encoded());
            }
        }
        return new DispatchArrays(ids, names, args, cids, immediate, deferred, domains, parents, groups, versions,
                resTask.toArray(Integer[]::new), resName.toArray(String[]::new),
                resExclusive.toArray(Boolean[]::new), resEncoded.toArray(String[]::new),
                // the handle names the batch's handlers: a relay wakes a worker that runs one of them
                Signal.HANDLE.channel().pgName(), HandleSignal.of(Arrays.asList(names)).payload());
    }

    /** The values in parameter order ($1..$16). */
    public List<Object> values() {
        return List.of(ids, names, args, loggingCids, immediate, deferred, domains, parents, groups, versions,
                resourceTask, resource, resourceExclusive, resourceEncoded, notifyChannel, notifyPayload);
    }
}
