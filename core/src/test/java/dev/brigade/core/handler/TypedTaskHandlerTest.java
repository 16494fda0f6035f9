package dev.brigade.core.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.Json;
import dev.brigade.core.task.DispatchRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A typed handler reads its args strictly and writes its result as JSON. */
class TypedTaskHandlerTest {

    record Mirror(String repository, int depth, List<String> paths) {
        Mirror {
            if (repository == null || repository.isBlank()) {
                throw new IllegalArgumentException("repository must be given");
            }
        }
    }

    record Mirrored(String repository, int files) {
    }

    static final class MirrorHandler implements TypedTaskHandler<Mirror> {
        @Override
        public String name() {
            return "test.mirror";
        }

        @Override
        public Class<Mirror> argsType() {
            return Mirror.class;
        }

        @Override
        public Object handle(Mirror args, TaskContext context) {
            return args.depth() < 0 ? null : new Mirrored(args.repository(), args.paths() == null ? 0 : args.paths().size());
        }
    }

    private static JsonNode run(String args) throws Exception {
        return new MirrorHandler().run(Json.parse(args), new NoContext());
    }

    @Test
    void readsTheArgsIntoTheTypeAndWritesTheResultAsJson() throws Exception {
        JsonNode result = run("""
                {"repository": "fedora", "depth": 2, "paths": ["a", "b", "c"]}""");

        assertThat(result).isEqualTo(Json.parse("""
                {"repository": "fedora", "files": 3}"""));
    }

    @Test
    void aNullReturnIsANullResult() throws Exception {
        assertThat(run("""
                {"repository": "fedora", "depth": -1}""")).isNull();
    }

    @Test
    void anUnknownFieldFailsTheTaskNamingItAndTheFieldsTaken() {
        assertThatThrownBy(() -> run("""
                {"repository": "fedora", "depth": 1, "dept": 2}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessage("args.dept: not an argument of this task; it takes depth, paths, repository");
    }

    @Test
    void aTypoIsNamedAsUnknownRatherThanAsTheFieldItWasMeantToBe() {
        assertThatThrownBy(() -> run("""
                {"repository": "fedora", "dept": 2}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessage("args.dept: not an argument of this task; it takes depth, paths, repository");
    }

    @Test
    void aValueOfTheWrongTypeFailsTheTaskNamingTheField() {
        assertThatThrownBy(() -> run("""
                {"repository": "fedora", "depth": "deep"}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessageStartingWith("args.depth: ");
        assertThatThrownBy(() -> run("""
                {"repository": "fedora", "depth": 1, "paths": [{"x": 1}]}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessageStartingWith("args.paths[0]: ");
    }

    @Test
    void aMissingPrimitiveFailsTheTask() {
        assertThatThrownBy(() -> run("""
                {"repository": "fedora"}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessage("args.depth: must be given (int)");
    }

    @Test
    void theTypesOwnCheckBecomesTheDescription() {
        assertThatThrownBy(() -> run("""
                {"repository": " ", "depth": 1}"""))
                .isInstanceOf(TaskFailure.class)
                .hasMessage("args: repository must be given");
    }

    @Test
    void noArgsAtAllAreAnEmptyObject() {
        assertThatThrownBy(() -> new MirrorHandler().run(null, new NoContext()))
                .isInstanceOf(TaskFailure.class)
                .hasMessageContaining("depth");
    }

    /** The handlers here never ask their context anything. */
    private static final class NoContext implements TaskContext {
        @Override
        public UUID taskId() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String processName() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean cancelRequested() {
            return false;
        }

        @Override
        public void progress(String code, String message, Integer total, int done) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UUID dispatchChild(DispatchRequest request) {
            throw new UnsupportedOperationException();
        }
    }
}
