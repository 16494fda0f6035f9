package dev.brigade.client.rest;

import java.util.List;

/** The API answered 400 or more; {@link #problem()} is what it said. */
public class BrigadeApiException extends RuntimeException {
    private final Problem problem;

    public BrigadeApiException(Problem problem) {
        super(problem.status() + " " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    /** The bad fields of a 400 (empty for other answers). */
    public List<Problem.FieldProblem> errors() {
        return problem.errors() == null ? List.of() : problem.errors();
    }
}
