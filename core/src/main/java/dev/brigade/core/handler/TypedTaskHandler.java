package dev.brigade.core.handler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A handler whose args are a Java type, usually a record: Brigade reads the task's args JSON into
 * it (bad args fail the task with a description naming the field, see {@link TypedArgs}) and writes
 * what {@link #handle} returns as the result JSON (a record, a map, a string, null...).
 * <pre>{@code
 * @ApplicationScoped
 * public class GreetHandler implements TypedTaskHandler<GreetHandler.Args> {
 *     public record Args(String who, int times) {}
 *
 *     public String name() { return "acme.greet"; }
 *     public Class<Args> argsType() { return Args.class; }
 *
 *     public Object handle(Args args, TaskContext context) {
 *         return ("hello " + args.who() + " ").repeat(args.times()).trim();
 *     }
 * }
 * }</pre>
 * In a native executable Jackson reads and writes these types by reflection: annotate them
 * {@code @RegisterForReflection}.
 */
public interface TypedTaskHandler<A> extends TaskHandler {

    /** The type the args are read into. */
    Class<A> argsType();

    /**
     * Runs the task with its args read into {@link #argsType()}; the returned value becomes the
     * result. Throws as {@link TaskHandler#run} does.
     */
    Object handle(A args, TaskContext context) throws Exception;

    @Override
    default JsonNode run(JsonNode args, TaskContext context) throws Exception {
        return TypedArgs.result(handle(TypedArgs.read(args, argsType()), context));
    }
}
