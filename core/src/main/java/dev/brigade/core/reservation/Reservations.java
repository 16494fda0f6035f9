package dev.brigade.core.reservation;

import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources of one task: what it asked for, plus its domain held shared unless it holds the
 * domain exclusively. A resource named in both lists is held exclusively.
 */
public record Reservations(List<Reservation> all, String domain) {
    public static final int MAX_RESOURCES = 100;
    public static final int MAX_NAME_LENGTH = 256;
    public static final String DOMAIN_PREFIX = "domain:";

    /** Validates and builds the reservations of a dispatch; throws with every bad field named. */
    public static Reservations of(List<String> exclusive, List<String> shared, String domain) {
        List<FieldError> errors = new ArrayList<>();
        validateNames("exclusive_resources", exclusive, errors);
        validateNames("shared_resources", shared, errors);
        // one name in both lists would be held exclusively with the shared ask silently dropped
        java.util.Set<String> exclusiveNames = new java.util.HashSet<>(exclusive);
        for (int i = 0; i < shared.size(); i++) {
            if (exclusiveNames.contains(shared.get(i))) {
                errors.add(new FieldError("shared_resources[" + i + "]",
                        "is also in exclusive_resources: ask for a resource in one mode (exclusive covers shared)"));
            }
        }
        if (exclusive.size() + shared.size() > MAX_RESOURCES) {
            errors.add(new FieldError("exclusive_resources",
                    "at most " + MAX_RESOURCES + " resources in all (exclusive and shared)"));
        }
        String domainProblem = nameProblem(domain);
        if (domainProblem != null) {
            errors.add(new FieldError("domain", domainProblem));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        Map<String, Boolean> modes = new LinkedHashMap<>();
        exclusive.forEach(r -> modes.put(r, true));
        shared.forEach(r -> modes.putIfAbsent(r, false));
        modes.putIfAbsent(domainResource(domain), false);
        List<Reservation> all = modes.entrySet().stream().map(e -> new Reservation(e.getKey(), e.getValue())).toList();
        return new Reservations(all, domain);
    }

    public static Reservations decode(List<String> encoded, String domain) {
        return new Reservations(encoded.stream().map(Reservation::decode).toList(), domain);
    }

    public static String domainResource(String domain) {
        return DOMAIN_PREFIX + domain;
    }

    public List<String> encoded() {
        return all.stream().map(Reservation::encoded).toList();
    }

    public String[] resources() {
        return all.stream().map(Reservation::resource).toArray(String[]::new);
    }

    public Boolean[] exclusiveFlags() {
        return all.stream().map(Reservation::exclusive).toArray(Boolean[]::new);
    }

    /** Exclusive names as dispatched (the domain only when it was asked for exclusively). */
    public List<String> exclusiveNames() {
        return all.stream().filter(Reservation::exclusive).map(Reservation::resource).toList();
    }

    /** Shared names as dispatched, without the implicit domain resource. */
    public List<String> sharedNames() {
        String implicitDomain = domainResource(domain);
        return all.stream().filter(r -> !r.exclusive() && !r.resource().equals(implicitDomain))
                .map(Reservation::resource).toList();
    }

    private static void validateNames(String field, List<String> names, List<FieldError> errors) {
        for (int i = 0; i < names.size(); i++) {
            String problem = nameProblem(names.get(i));
            if (problem == null && names.get(i).startsWith(Reservation.SHARED_PREFIX)) {
                problem = "must not start with '" + Reservation.SHARED_PREFIX + "'";
            }
            if (problem != null) {
                errors.add(new FieldError(field + "[" + i + "]", problem));
            }
        }
    }

    private static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "must be at most " + MAX_NAME_LENGTH + " characters";
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return "must not contain control characters";
        }
        return null;
    }
}
