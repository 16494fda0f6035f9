package dev.brigade.api.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code fields=a,b} (only those keys) and {@code exclude_fields=a,b} (all but those). A name
 * that is not a key of the body is a 400, so a typo does not silently return something else.
 */
public record FieldSelection(Set<String> only, Set<String> excluded) {
    public static final FieldSelection ALL = new FieldSelection(null, Set.of());

    public static FieldSelection parse(String fields, String excludeFields, Set<String> known) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> only = fields == null ? null : names("fields", fields, known, errors);
        Set<String> excluded = excludeFields == null ? Set.of() : names("exclude_fields", excludeFields, known, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new FieldSelection(only, excluded);
    }

    public boolean includes(String field) {
        return (only == null || only.contains(field)) && !excluded.contains(field);
    }

    public boolean isAll() {
        return only == null && excluded.isEmpty();
    }

    /** The view as it is when nothing is selected, else as a JSON object with only the chosen keys. */
    public Object apply(Object view, ObjectMapper mapper) {
        if (isAll()) {
            return view;
        }
        ObjectNode node = mapper.valueToTree(view);
        node.retain(node.properties().stream().map(Map.Entry::getKey).filter(this::includes).toList());
        return node;
    }

    public List<Object> apply(List<?> views, ObjectMapper mapper) {
        return views.stream().map(view -> apply(view, mapper)).toList();
    }

    private static Set<String> names(String param, String value, Set<String> known, List<FieldError> errors) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : Arrays.stream(value.split(",")).map(String::trim).toList()) {
            if (!known.contains(name)) {
                errors.add(new FieldError(param, "'" + name + "' is not a field; the fields are " + new TreeSet<>(known)));
            } else {
                names.add(name);
            }
        }
        return names;
    }
}
