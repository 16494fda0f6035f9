package dev.brigade.it.env;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the process tests need from the machine: when it is missing they fail and say how to fix it. */
class EnvironmentPrerequisitesTest {

    @Test
    void aMissingPgBouncerFailsWithTheInstallCommand(@TempDir Path dir) {
        assertThatThrownBy(() -> PgBouncer.firstExecutable(List.of(dir.resolve("pgbouncer"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgbouncer is not installed")
                .hasMessageContaining("apt-get install -y pgbouncer");
    }

    @Test
    void theFirstExecutablePgBouncerIsUsed(@TempDir Path dir) throws IOException {
        Path notExecutable = Files.createFile(dir.resolve("plain"));
        Path executable = Files.createFile(dir.resolve("pgbouncer"));
        assertThat(executable.toFile().setExecutable(true)).isTrue();
        assertThat(PgBouncer.firstExecutable(List.of(dir.resolve("missing"), notExecutable, executable)))
                .isEqualTo(executable);
    }

    @Test
    void aMissingWorkerJarFailsWithTheBuildCommand(@TempDir Path dir) {
        assertThatThrownBy(() -> Programs.existingWorkerJar(dir.resolve("quarkus-run.jar")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the packaged worker is missing")
                .hasMessageContaining("./mvnw -pl worker package -DskipTests");
    }
}
