package dev.brigade.core.db;

import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class VersionFunctionTest extends SqlTestSupport {

    @ParameterizedTest
    @CsvSource({
            "'{}', '{}', true",
            "'{\"brigade\":\"1.2.0\"}', '{\"brigade\":\"1.2\"}', true",
            "'{\"brigade\":\"1.2.0\"}', '{\"brigade\":\"1.10.0\"}', true",
            "'{\"brigade\":\"1.10.0\"}', '{\"brigade\":\"1.9.9\"}', false",
            "'{\"brigade\":\"1.2.0-SNAPSHOT\"}', '{\"brigade\":\"1.2.0\"}', true",
            "'{\"brigade\":\"1.2.0\"}', '{\"brigade\":\"1.2.0-SNAPSHOT\"}', true",
            "'{\"brigade\":\"1.2.1\"}', '{\"brigade\":\"1.2\"}', false",
            "'{\"plugin\":\"1.0\"}', '{\"brigade\":\"9.0\"}', false",
    })
    void versionsAreComparedByNumericSegments(String required, String available, boolean satisfied) {
        boolean answer = pool.preparedQuery("SELECT brigade_versions_satisfied($1::text::jsonb, $2::text::jsonb) AS ok")
                .execute(Tuple.of(required, available)).await().atMost(WAIT).iterator().next().getBoolean("ok");
        assertThat(answer).isEqualTo(satisfied);
    }
}
