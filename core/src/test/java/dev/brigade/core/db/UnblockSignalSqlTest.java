package dev.brigade.core.db;

import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.testing.WakeupListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unblock step's handle names the handlers of the tasks it freed (V8), so that a relay wakes
 * a worker that runs one of them (a mixed fleet's tasks queued on one resource).
 */
class UnblockSignalSqlTest extends SqlTestSupport {

    @Test
    void theHandleOfAnUnblockStepNamesTheFreedTasksHandlers() {
        UUID first = dispatch(List.of("repository:1"), List.of());
        UUID sync = dispatch("repository.sync", List.of("repository:1"), List.of(), false, Map.of());
        UUID index = dispatch("repository.index", List.of("repository:1"), List.of(), false, Map.of());
        assertThat(unblocked(sync)).isFalse();

        try (WakeupListener listener = new WakeupListener(db.jdbcUrl())) {
            listener.signalsUntilMarker(); // what the dispatches sent
            runToCompletion(first);
            assertThat(unblockReleased()).isOne();

            assertThat(unblocked(sync)).isTrue();
            assertThat(unblocked(index)).as("behind the sync, still").isFalse();
            assertThat(listener.awaitHandleSignal()).contains(HandleSignal.of(Set.of("repository.sync")));
        }
    }
}
