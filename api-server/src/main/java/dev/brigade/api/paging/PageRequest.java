package dev.brigade.api.paging;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.core.error.FieldError;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code limit} (1..max, default from the settings) and {@code offset} (≥ 0) of a list, read from
 * the query, and the links to the previous and next pages: the same path and query with only
 * limit and offset changed.
 */
public record PageRequest(int limit, int offset, String path, MultivaluedMap<String, String> query) {
    public static final String LIMIT = "limit";
    public static final String OFFSET = "offset";

    /** Reads limit and offset; adds an error per bad value. */
    public static PageRequest read(UriInfo uri, ApiConfig config, List<FieldError> errors) {
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        int limit = integer(query.getFirst(LIMIT), LIMIT, config.defaultListLimit(), 1, config.maxListLimit(), errors);
        int offset = integer(query.getFirst(OFFSET), OFFSET, 0, 0, Integer.MAX_VALUE, errors);
        return new PageRequest(limit, offset, uri.getPath(), query);
    }

    public <T> Page<T> page(long count, List<T> results) {
        String next = offset + limit < count ? link(offset + limit) : null;
        String previous = offset > 0 ? link(Math.max(0, offset - limit)) : null;
        return new Page<>(count, next, previous, results);
    }

    private String link(int newOffset) {
        String kept = query.entrySet().stream()
                .filter(e -> !e.getKey().equals(LIMIT) && !e.getKey().equals(OFFSET))
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        String paging = LIMIT + "=" + limit + "&" + OFFSET + "=" + newOffset;
        return path + "?" + (kept.isEmpty() ? paging : kept + "&" + paging);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int integer(String raw, String name, int absent, int min, int max, List<FieldError> errors) {
        if (raw == null) {
            return absent;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like a value out of range
        }
        errors.add(new FieldError(name, max == Integer.MAX_VALUE
                ? "must be a whole number of at least " + min
                : "must be a whole number from " + min + " to " + max));
        return absent;
    }

    /**
     * Every query key must be a known parameter (or limit/offset), given once: a misspelt filter
     * must not silently widen the list.
     */
    /** The query parameters a list takes, sorted, paging last: for the message of an unknown one. */
    private static String takes(Set<String> known) {
        java.util.List<String> names = new java.util.ArrayList<>(new java.util.TreeSet<>(known));
        names.add(LIMIT);
        names.add(OFFSET);
        return String.join(", ", names);
    }

    public static void rejectUnknown(MultivaluedMap<String, String> query, Set<String> known,
                                     List<FieldError> errors) {
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            if (!known.contains(entry.getKey()) && !entry.getKey().equals(LIMIT) && !entry.getKey().equals(OFFSET)) {
                errors.add(new FieldError(entry.getKey(), "is not a filter of this list; it takes "
                        + takes(known)));
            } else if (entry.getValue().size() > 1) {
                errors.add(new FieldError(entry.getKey(), "may be given once"));
            }
        }
    }
}
