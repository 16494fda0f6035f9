package dev.brigade.api.error;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.brigade.core.error.FieldError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Valid JSON of the wrong shape (a string where a list belongs, a bad uuid, an unknown field):
 * 400 naming the field. Only this family: a mapping error of our own making stays a 500.
 */
@Provider
public class JsonShapeMapper implements ExceptionMapper<MismatchedInputException> {
    @Override
    public Response toResponse(MismatchedInputException e) {
        String field = fieldPath(e.getPath());
        String message = e instanceof UnrecognizedPropertyException
                ? "is not a known field"
                : "must be " + describe(e.getTargetType());
        return Problem.response(Response.Status.BAD_REQUEST, "The body does not have the expected shape: "
                + (field.isEmpty() ? "the body" : field) + " " + message,
                List.of(new FieldError(field.isEmpty() ? "body" : field, message)));
    }

    static String fieldPath(List<JsonMappingException.Reference> path) {
        return path.stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == java.util.UUID.class) {
            return "a uuid";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }
}
