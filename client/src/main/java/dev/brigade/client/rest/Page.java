package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** A page of a list: {@code next} and {@code previous} are paths with their query, or null. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Page<T>(long count, String next, String previous, List<T> results) {
}
