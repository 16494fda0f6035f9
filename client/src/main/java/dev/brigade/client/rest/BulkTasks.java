package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** The answer of a bulk dispatch: the tasks as written, in the order given. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkTasks(List<TaskView> tasks) {
}
