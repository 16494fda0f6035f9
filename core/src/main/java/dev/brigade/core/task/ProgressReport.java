package dev.brigade.core.task;

/** How far a task got with one part of its work. */
public record ProgressReport(String message, String code, TaskState state, Integer total, int done, String suffix) {
}
