package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** An error answer of the API (application/problem+json, RFC 9457); {@code errors} for invalid input. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(String type, String title, int status, String detail, List<FieldProblem> errors) {

    /** One bad field, named as the request named it ({@code name}, {@code tasks[1].name}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FieldProblem(String field, String message) {
    }
}
