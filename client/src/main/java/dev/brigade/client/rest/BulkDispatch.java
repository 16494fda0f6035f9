package dev.brigade.client.rest;

import java.util.List;

/** The body of POST /api/v1/tasks/bulk. */
public record BulkDispatch(List<TaskDispatch> tasks) {
}
