package dev.brigade.it.scenario;

import dev.brigade.it.env.BrigadeEnvironment;
import dev.brigade.it.env.ConnectionMode;
import dev.brigade.it.env.WorkerProcess;
import dev.brigade.it.env.WorkerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIGTERM right after start, with nothing run yet, in every connection mode (so in either
 * signals mode): the worker exits 0 and deletes its app_status row. (The JVM's signal thread once could not load the worker's
 * beans, and poll mode once touched the LISTEN seam on the way out.)
 */
@Timeout(120)
class StopSignalIT {
    @RegisterExtension
    static final BrigadeEnvironment env = new BrigadeEnvironment();

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConnectionMode.class)
    void aStopRequestRightAfterStartEndsTheWorkerCleanly(ConnectionMode mode) {
        WorkerProcess worker = env.startWorker(WorkerSpec.of(mode));
        String name = env.pool().query("SELECT name FROM app_status WHERE type = 'worker'").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString("name");
        assertThat(worker.named(name)).isTrue();
        worker.terminate();
        assertThat(worker.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(env.tasks().appStatusExists(name)).isFalse();
    }
}
