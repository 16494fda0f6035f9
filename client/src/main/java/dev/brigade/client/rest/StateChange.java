package dev.brigade.client.rest;

/** The body of PATCH /api/v1/tasks/{id}: the only change the API allows is to {@code canceled}. */
public record StateChange(String state) {
    public static final StateChange CANCELED = new StateChange("canceled");
}
