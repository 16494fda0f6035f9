package dev.brigade.it.check;

import dev.brigade.core.reservation.Reservation;
import dev.brigade.core.task.TaskState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks Brigade's invariants on the task rows after a run (DESIGN.md, "Invariants"):
 * <ol>
 * <li>two conflicting tasks never ran at the same time: their [started_at, finished_at] overlap;</li>
 * <li>FIFO: no task started while an earlier-created conflicting task was incomplete, i.e. every
 * earlier conflicting task has finished_at at or before its started_at;</li>
 * <li>every task is final, its times are in order (created ≤ unblocked ≤ started ≤ finished), a
 * completed task started, and the tasks known to be canceled before they ran never started.</li>
 * <li>given the handler runs brigade.record wrote: each task's handler started at most once, on the
 * worker its row names, inside its row's [started_at, finished_at].</li>
 * </ol>
 * Two tasks conflict when one holds a resource exclusively that the other holds in any mode
 * ({@code reserved_resources}: exclusive names as they are, shared ones as {@code shared:name}).
 */
public final class InvariantChecker {
    private InvariantChecker() {
    }

    public static List<Violation> violations(Collection<TaskRecord> tasks) {
        return violations(tasks, Set.of());
    }

    public static List<Violation> violations(Collection<TaskRecord> tasks, Set<UUID> canceledBeforeRun) {
        return violations(tasks, canceledBeforeRun, List.of());
    }

    /** Also checks the tasks against the handler runs brigade.record wrote (invariant 3). */
    public static List<Violation> violations(Collection<TaskRecord> tasks, Set<UUID> canceledBeforeRun,
                                             Collection<HandlerRun> runs) {
        List<Violation> found = new ArrayList<>();
        for (TaskRecord task : tasks) {
            lifecycle(task, canceledBeforeRun.contains(task.id()), found);
        }
        handlerRuns(tasks, runs, found);
        for (TaskRecord[] pair : conflictingPairs(tasks)) {
            TaskRecord earlier = pair[0].createdBefore(pair[1]) ? pair[0] : pair[1];
            TaskRecord later = earlier == pair[0] ? pair[1] : pair[0];
            if (overlap(earlier, later)) {
                found.add(new Violation(Violation.Rule.OVERLAP,
                        "conflicting tasks ran at the same time (on " + sharedConflict(earlier, later) + ")",
                        List.of(earlier, later)));
            }
            if (later.startedAt() != null
                    && (earlier.finishedAt() == null || earlier.finishedAt().isAfter(later.startedAt()))) {
                found.add(new Violation(Violation.Rule.FIFO,
                        "a task started while an earlier conflicting task was incomplete (on "
                                + sharedConflict(earlier, later) + ")",
                        List.of(earlier, later)));
            }
        }
        return found;
    }

    /**
     * Invariant 3's second half: a task final in an earlier snapshot is, in a later one, the same
     * row (state, times, worker, error) — nothing changes a finished task again.
     */
    public static List<Violation> changedAfterFinal(Collection<TaskRecord> earlier, Collection<TaskRecord> later) {
        Map<UUID, TaskRecord> now = new HashMap<>();
        later.forEach(task -> now.put(task.id(), task));
        List<Violation> found = new ArrayList<>();
        for (TaskRecord before : earlier) {
            TaskRecord after = now.get(before.id());
            if (before.state().isFinal() && after != null && !after.equals(before)) {
                found.add(new Violation(Violation.Rule.LIFECYCLE, "a final task changed afterwards",
                        List.of(before, after)));
            }
        }
        return found;
    }

    /** Fails with every violation and the offending tasks printed. */
    public static void assertHolds(Collection<TaskRecord> tasks) {
        assertHolds(tasks, Set.of());
    }

    public static void assertHolds(Collection<TaskRecord> tasks, Set<UUID> canceledBeforeRun) {
        assertHolds(tasks, canceledBeforeRun, List.of());
    }

    public static void assertHolds(Collection<TaskRecord> tasks, Set<UUID> canceledBeforeRun,
                                   Collection<HandlerRun> runs) {
        failOn(violations(tasks, canceledBeforeRun, runs), tasks.size());
    }

    /** Fails if a task final in {@code earlier} differs in {@code later}, both printed. */
    public static void assertUnchangedAfterFinal(Collection<TaskRecord> earlier, Collection<TaskRecord> later) {
        failOn(changedAfterFinal(earlier, later), later.size());
    }

    private static void failOn(List<Violation> found, int taskCount) {
        if (!found.isEmpty()) {
            StringBuilder message = new StringBuilder(found.size() + " invariant violation(s) among "
                    + taskCount + " tasks:");
            found.stream().limit(50).forEach(v -> message.append("\n  ").append(v));
            if (found.size() > 50) {
                message.append("\n  … and ").append(found.size() - 50).append(" more");
            }
            throw new AssertionError(message.toString());
        }
    }

    private static void lifecycle(TaskRecord task, boolean canceledBeforeRun, List<Violation> found) {
        List<String> problems = new ArrayList<>();
        if (!task.state().isFinal()) {
            problems.add("is not final");
        }
        if (task.state().isFinal() && task.finishedAt() == null) {
            problems.add("is final without finished_at");
        }
        if (task.startedAt() != null && task.unblockedAt() == null) {
            problems.add("started without being unblocked");
        }
        if (before(task.unblockedAt(), task.createdAt())) {
            problems.add("was unblocked before it was created");
        }
        if (before(task.startedAt(), task.unblockedAt())) {
            problems.add("started before it was unblocked");
        }
        if (before(task.finishedAt(), task.startedAt())) {
            problems.add("finished before it started");
        }
        if (before(task.finishedAt(), task.createdAt())) {
            problems.add("finished before it was created");
        }
        if (task.state() == TaskState.COMPLETED && task.startedAt() == null) {
            problems.add("completed without having started");
        }
        if (canceledBeforeRun && (task.state() != TaskState.CANCELED || task.startedAt() != null)) {
            problems.add("was canceled before it ran, so it must be canceled with started_at null");
        }
        if (!problems.isEmpty()) {
            found.add(new Violation(Violation.Rule.LIFECYCLE, String.join("; ", problems), List.of(task)));
        }
    }

    /**
     * Invariant 3 from the handler's side: a task's handler started at most once, on the process
     * its row names, inside the [started_at, finished_at] its row records; a completed
     * brigade.record task has exactly one whole run. (Rows alone cannot show a second run.)
     */
    private static void handlerRuns(Collection<TaskRecord> tasks, Collection<HandlerRun> runs, List<Violation> found) {
        Map<UUID, List<HandlerRun>> byTask = new HashMap<>();
        runs.forEach(run -> byTask.computeIfAbsent(run.taskId(), k -> new ArrayList<>()).add(run));
        for (TaskRecord task : tasks) {
            List<HandlerRun> its = byTask.getOrDefault(task.id(), List.of());
            List<String> problems = new ArrayList<>();
            if (its.size() > 1) {
                problems.add("its handler started " + its.size() + " times");
            }
            for (HandlerRun run : its) {
                if (task.startedAt() == null) {
                    problems.add("its handler ran though its row never started");
                } else if (run.start().isBefore(task.startedAt())) {
                    problems.add("its handler started before the row's started_at");
                }
                if (run.end() != null && (task.finishedAt() == null || run.end().isAfter(task.finishedAt()))) {
                    problems.add("its handler ended after the row's finished_at");
                }
                if (!run.process().equals(task.worker())) {
                    problems.add("its handler ran on " + run.process() + ", not on the worker its row names");
                }
            }
            if (task.name().equals("brigade.record") && task.state() == TaskState.COMPLETED
                    && (its.size() != 1 || its.getFirst().end() == null)) {
                problems.add("it completed without exactly one whole handler run");
            }
            if (!problems.isEmpty()) {
                StringBuilder detail = new StringBuilder(String.join("; ", problems));
                its.forEach(run -> detail.append("\n    ").append(run));
                found.add(new Violation(Violation.Rule.HANDLER_RUN, detail.toString(), List.of(task)));
            }
        }
    }

    /** Each pair of tasks that conflict, once: found per resource, from its exclusive holders. */
    private static Collection<TaskRecord[]> conflictingPairs(Collection<TaskRecord> tasks) {
        Map<String, List<Holder>> holders = new HashMap<>();
        for (TaskRecord task : tasks) {
            for (Reservation r : task.reservations()) {
                holders.computeIfAbsent(r.resource(), k -> new ArrayList<>()).add(new Holder(task, r.exclusive()));
            }
        }
        Map<String, TaskRecord[]> pairs = new LinkedHashMap<>();
        for (List<Holder> onResource : holders.values()) {
            for (Holder exclusive : onResource) {
                if (!exclusive.exclusive()) {
                    continue;
                }
                for (Holder other : onResource) {
                    if (other.task() == exclusive.task()) {
                        continue;
                    }
                    pairs.putIfAbsent(pairKey(exclusive.task().id(), other.task().id()),
                            new TaskRecord[] {exclusive.task(), other.task()});
                }
            }
        }
        return pairs.values();
    }

    private record Holder(TaskRecord task, boolean exclusive) {
    }

    private static String pairKey(UUID a, UUID b) {
        return a.toString().compareTo(b.toString()) < 0 ? a + "/" + b : b + "/" + a;
    }

    /** Both ran and their [started, finished] intervals intersect beyond a shared end point. */
    private static boolean overlap(TaskRecord a, TaskRecord b) {
        if (a.startedAt() == null || b.startedAt() == null) {
            return false;
        }
        return a.startedAt().isBefore(end(b)) && b.startedAt().isBefore(end(a));
    }

    private static Instant end(TaskRecord task) {
        return task.finishedAt() == null ? Instant.MAX : task.finishedAt();
    }

    private static boolean before(Instant a, Instant b) {
        return a != null && b != null && a.isBefore(b);
    }

    /** The resources on which the two conflict, for the message. */
    private static Set<String> sharedConflict(TaskRecord a, TaskRecord b) {
        Set<String> on = new LinkedHashSet<>();
        for (Reservation x : a.reservations()) {
            for (Reservation y : b.reservations()) {
                if (x.resource().equals(y.resource()) && (x.exclusive() || y.exclusive())) {
                    on.add(x.resource());
                }
            }
        }
        return on;
    }
}
