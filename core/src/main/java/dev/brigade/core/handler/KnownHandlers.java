package dev.brigade.core.handler;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The handler names a dispatch may use, as one process knows them at one moment, each with
 * whether a task of it may be immediate: the process's own handlers (their own word), the names
 * live workers advertise (all of them must say it may: any of them may claim the task), and the
 * names configured as known (never immediate on their own: nothing vouches for them).
 */
public final class KnownHandlers {
    private final TreeMap<String, Boolean> mayRunImmediately;

    private KnownHandlers(TreeMap<String, Boolean> mayRunImmediately) {
        this.mayRunImmediately = mayRunImmediately;
    }

    /** {@code advertised}: name to whether every live worker advertising it says it may run immediately. */
    public static KnownHandlers of(TaskHandlers own, Set<String> configured, Map<String, Boolean> advertised) {
        TreeMap<String, Boolean> known = new TreeMap<>();
        configured.forEach(name -> known.put(name, false));
        known.putAll(advertised);
        own.all().forEach(handler -> known.put(handler.name(), handler.mayRunImmediately()));
        return new KnownHandlers(known);
    }

    /**
     * For a process that has no handlers of its own (an application dispatching over JDBC): the
     * configured names and the advertised ones only.
     */
    public static KnownHandlers of(Set<String> configured, Map<String, Boolean> advertised) {
        TreeMap<String, Boolean> known = new TreeMap<>();
        configured.forEach(name -> known.put(name, false));
        known.putAll(advertised);
        return new KnownHandlers(known);
    }

    public boolean knows(String name) {
        return name != null && mayRunImmediately.containsKey(name);
    }

    /** False for a name it does not know. */
    public boolean mayRunImmediately(String name) {
        return knows(name) && mayRunImmediately.get(name);
    }

    /** Every name, sorted: what a refused dispatch lists. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(mayRunImmediately.navigableKeySet());
    }
}
