package dev.brigade.it.check;

import java.util.List;

/** One broken invariant and the tasks that break it. */
public record Violation(Rule rule, String detail, List<TaskRecord> tasks) {

    public enum Rule {
        /** Two conflicting tasks ran at the same time. */
        OVERLAP,
        /** A task started while an earlier conflicting task was incomplete. */
        FIFO,
        /** A task's own row is inconsistent: not final, times out of order, a cancel that ran. */
        LIFECYCLE,
        /** A handler ran twice, or outside the times or on another process than its row records. */
        HANDLER_RUN
    }

    public Violation {
        tasks = List.copyOf(tasks);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(rule + ": " + detail);
        tasks.forEach(task -> text.append("\n    ").append(task));
        return text.toString();
    }
}
