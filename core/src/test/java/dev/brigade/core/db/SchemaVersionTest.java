package dev.brigade.core.db;

import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaVersionTest extends SqlTestSupport {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void theRequiredVersionIsTheNewestShippedMigration() throws IOException, URISyntaxException {
        Path migrations = Path.of(SchemaVersion.class.getResource("/db/migration").toURI());
        int newest;
        try (Stream<Path> files = Files.list(migrations)) {
            newest = files.map(f -> MIGRATION.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .max().orElseThrow();
        }
        assertThat(SchemaVersion.REQUIRED)
                .as("SchemaVersion.REQUIRED must name the newest migration, or workers start on a schema they cannot use")
                .isEqualTo(Integer.toString(newest));
    }

    @Test
    void theWorkersQuestionIsAnsweredOnAMigratedDatabase() {
        assertThat(applied(SchemaVersion.REQUIRED)).isTrue();
        assertThat(applied(Integer.toString(Integer.parseInt(SchemaVersion.REQUIRED) + 1))).isFalse();
    }

    private boolean applied(String version) {
        return pool.preparedQuery(SchemaSql.MIGRATION_APPLIED).execute(Tuple.of(version))
                .await().atMost(WAIT).iterator().next().getBoolean("applied");
    }
}
