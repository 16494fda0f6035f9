package dev.brigade.core.handler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a task's args into a handler's own type, strictly: an unknown field (a typo in the
 * dispatch), a missing primitive or a value of the wrong type fails the task with a description
 * that names the field ({@code args.times: ...}); a record's constructor may reject values by
 * throwing IllegalArgumentException, whose message becomes the description.
 */
public final class TypedArgs {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    private TypedArgs() {
    }

    public static <A> A read(JsonNode args, Class<A> type) throws TaskFailure {
        JsonNode given = args == null || args.isNull() ? JsonNodeFactory.instance.objectNode() : args;
        rejectUnknownFields(given, type);
        try {
            return MAPPER.treeToValue(given, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new TaskFailure(where(e) + cause.getMessage());
        } catch (UnrecognizedPropertyException e) {
            throw new TaskFailure(where(e) + "not an argument of this task; it takes "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            throw new TaskFailure(where(e) + (missingPrimitive(e)
                    ? "must be given (" + e.getTargetType().getSimpleName() + ")" : e.getOriginalMessage()));
        } catch (JsonMappingException e) {
            throw new TaskFailure(where(e) + e.getOriginalMessage());
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TaskFailure("args: " + e.getMessage());
        }
    }

    /**
     * A field the type does not take is named first: Jackson, building a record through its
     * constructor, reports a missing component before an unknown field, and a typo would be
     * reported as the field it was meant to be, missing.
     */
    private static void rejectUnknownFields(JsonNode args, Class<?> type) throws TaskFailure {
        if (!args.isObject()) {
            return;
        }
        BeanDescription description = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type));
        JsonIgnoreProperties ignoring = type.getAnnotation(JsonIgnoreProperties.class);
        if (description.findAnySetterAccessor() != null || (ignoring != null && ignoring.ignoreUnknown())) {
            return;
        }
        Set<String> taken = description.findProperties().stream().map(BeanPropertyDefinition::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        for (var fields = args.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!taken.contains(field)) {
                throw new TaskFailure("args." + field + ": not an argument of this task; it takes " + String.join(", ", taken));
            }
        }
    }

    /** Jackson's words for a primitive component the args leave out (or set to null). */
    private static boolean missingPrimitive(MismatchedInputException e) {
        return e.getTargetType() != null && e.getTargetType().isPrimitive()
                && e.getOriginalMessage().startsWith("Cannot map `null`");
    }

    /** The result JSON of what a handler returned (null stays null). */
    public static JsonNode result(Object value) {
        return value == null ? null : MAPPER.valueToTree(value);
    }

    /** {@code args.repository.url: } for the field a mapping error is about, {@code args: } for the whole. */
    private static String where(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return "args" + path + ": ";
    }
}
