package dev.brigade.worker.process;

import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.handler.builtin.EchoHandler;
import dev.brigade.core.handler.builtin.StubbornHandler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a bad process handler configuration does at start-up: it stops the worker, naming the setting. */
class ProcessHandlersTest {

    private record Settings(List<String> command, Optional<Path> workingDirectory, Map<String, String> environment,
                            Duration cancelGrace, boolean mayRunImmediately)
            implements ProcessHandlersConfig.ProcessHandlerSettings {
        static Settings of(String... command) {
            return new Settings(List.of(command), Optional.empty(), Map.of(), Duration.ofSeconds(5), false);
        }
    }

    private static ProcessHandlers build(String name, Settings settings) {
        return new ProcessHandlers(Map.of(name, settings), List.of(new EchoHandler(), new StubbornHandler()),
                new ChildProcesses());
    }

    @Test
    void aGoodOneBecomesAHandlerOfItsNameBesideTheBeans() {
        ProcessHandlers source = build("repo.sync", Settings.of("/usr/bin/python3", "sync.py"));
        TaskHandlers handlers = new TaskHandlers(List.of(new EchoHandler()), List.of(source), false);
        assertThat(handlers.names()).containsExactly("brigade.echo", "repo.sync");
        assertThat(handlers.find("repo.sync").orElseThrow().stopWithin()).contains(Duration.ofSeconds(10));
    }

    @Test
    void anEmptyCommandFailsStartUp() {
        assertThatThrownBy(() -> build("repo.sync", Settings.of()))
                .hasMessage("brigade.process-handlers.\"repo.sync\".command is empty: give the program to run and its arguments");
        assertThatThrownBy(() -> build("repo.sync", Settings.of(" ")))
                .hasMessageContaining(".command is empty");
    }

    @Test
    void theNameOfABuiltInHandlerFailsStartUpEvenWhenItIsADiagnosticOneLeftOut() {
        assertThatThrownBy(() -> build("brigade.echo", Settings.of("/bin/true")))
                .hasMessage("process handler (brigade.process-handlers) 'brigade.echo' has the name of a built-in or "
                        + "application handler; give it another name");
        assertThatThrownBy(() -> build("brigade.stubborn", Settings.of("/bin/true")))
                .hasMessageContaining("'brigade.stubborn' has the name of a built-in");
    }

    @Test
    void theRegistryRefusesTheClashToo() {
        ProcessHandlers source = new ProcessHandlers(Map.of("brigade.echo", Settings.of("/bin/true")), List.of(),
                new ChildProcesses());
        assertThatThrownBy(() -> new TaskHandlers(List.of(new EchoHandler()), List.of(source), false))
                .hasMessageContaining("'brigade.echo' has the name of a built-in or application handler");
    }

    @Test
    void aWorkingDirectoryThatIsNoneFailsStartUp() {
        Settings settings = new Settings(List.of("/bin/true"), Optional.of(Path.of("/no/such/dir")), Map.of(),
                Duration.ofSeconds(5), false);
        assertThatThrownBy(() -> build("repo.sync", settings))
                .hasMessage("brigade.process-handlers.\"repo.sync\".working-directory /no/such/dir is not a directory");
    }

    @Test
    void aDeathBySignalIsNamed() {
        assertThat(ProcessHandler.describeExit(137)).isEqualTo("exited with code 137 (128 + 9: killed by signal 9, SIGKILL)");
        assertThat(ProcessHandler.describeExit(2)).isEqualTo("exited with code 2");
    }
}
