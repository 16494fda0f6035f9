package dev.brigade.api;

import dev.brigade.core.db.TaskListSql;
import dev.brigade.core.db.TaskSql;
import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The answer of a dispatch is the task as the dispatch statement wrote it: no read of the task,
 * its children or its progress reports after it (counted with pg_stat_statements), and yet the
 * same body a GET then reads. An immediate task that ran is read back, with what it wrote.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DispatchAnswerTest extends ApiTestBase {
    private static final List<String> READS = List.of(TaskSql.SELECT_BY_ID, TaskListSql.SELECT_CHILD_IDS_OF,
            TaskListSql.SELECT_PROGRESS_OF);

    @BeforeEach
    void countStatements() {
        boolean loaded = pool.query("SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%'")
                .execute().await().atMost(WAIT).iterator().next().getBoolean(0);
        assumeTrue(loaded, "pg_stat_statements is not loaded by this PostgreSQL (the embedded one loads it)");
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(WAIT);
    }

    @Test
    void aDispatchIsOneStatementAndItsAnswerIsWhatAGetReads() {
        long reads = calls(READS);
        long dispatches = calls(List.of(TaskSql.DISPATCH));
        Map<String, Object> answer = answer(echo("exclusive_resources", List.of(unique("repo")),
                "shared_resources", List.of(unique("remote"))), 202);
        assertThat(calls(List.of(TaskSql.DISPATCH))).isEqualTo(dispatches + 1);
        assertThat(calls(READS)).as("reads of the task after its dispatch").isEqualTo(reads);
        assertThat(answer).isEqualTo(read(answer));
        assertThat(calls(READS)).as("the GET reads it: the count sees reads").isGreaterThan(reads);
    }

    @Test
    void aBulkDispatchIsOneStatementWithNoReadBack() {
        long reads = calls(READS);
        long dispatches = calls(List.of(TaskSql.DISPATCH));
        List<Map<String, Object>> tasks = given().contentType(ContentType.JSON)
                .body(Map.of("tasks", List.of(echo(), echo(), echo()))).post("/api/v1/tasks/bulk")
                .then().statusCode(202).extract().jsonPath().getList("tasks");
        assertThat(calls(List.of(TaskSql.DISPATCH))).isEqualTo(dispatches + 1);
        assertThat(calls(READS)).isEqualTo(reads);
        tasks.forEach(task -> assertThat(task).isEqualTo(read(task)));
    }

    @Test
    void anImmediateTaskLeftToTheWorkersIsAnsweredAsWritten() {
        String resource = unique("repo");
        dispatch(echo("exclusive_resources", List.of(resource)));
        long reads = calls(READS);
        Map<String, Object> answer = answer(echo("immediate", true, "exclusive_resources", List.of(resource)), 202);
        assertThat(answer.get("state")).isEqualTo("waiting");
        assertThat(calls(READS)).isEqualTo(reads);
        assertThat(answer).isEqualTo(read(answer));
    }

    @Test
    void anImmediateTaskRefusedIsAnsweredAsCanceled() {
        String resource = unique("repo");
        dispatch(echo("shared_resources", List.of(resource)));
        Map<String, Object> answer = answer(echo("immediate", true, "deferred", false,
                "exclusive_resources", List.of(resource)), 202);
        assertThat(answer.get("state")).isEqualTo("canceled");
        assertThat(answer).isEqualTo(read(answer));
    }

    @Test
    void anImmediateTaskThatRanIsAnsweredAsItEnded() {
        Map<String, Object> answer = answer(echo("immediate", true, "args", Map.of("value", "done")), 202);
        assertThat(answer.get("state")).isEqualTo("completed");
        assertThat(answer.get("result")).isEqualTo("done");
        assertThat(answer).isEqualTo(read(answer));
    }

    private static Map<String, Object> answer(Object body, int status) {
        return post(body).statusCode(status).extract().jsonPath().getMap("$");
    }

    private static Map<String, Object> read(Map<String, Object> task) {
        return given().get((String) task.get("href")).then().statusCode(200).extract().jsonPath().getMap("$");
    }

    /** Calls so far of these statements in this test's database. */
    private long calls(List<String> statements) {
        return pool.preparedQuery("""
                        SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s
                        JOIN pg_database d ON d.oid = s.dbid
                        WHERE d.datname = current_database() AND s.query = ANY ($1::text[])""")
                .execute(Tuple.of(statements.toArray(String[]::new))).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
