package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bulk must not fail in the database: brigade_dispatch takes one advisory lock per distinct
 * resource in one transaction, and 1,000 x 50 of them overflow PostgreSQL's shared lock table
 * (max_locks_per_transaction x max_connections: 64 x 300 here, 64 x 100 by default), "out of
 * shared memory" (53200), a 500, and other sessions short of lock slots meanwhile. So a bulk
 * naming more than 2,000 distinct resources is a 400 with nothing written.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BulkLockTableTest extends ApiTestBase {
    @Test
    void aBulkOfTooManyDistinctResourcesIsRefusedAndNothingIsWritten() {
        String prefix = unique("r");
        List<Map<String, Object>> tasks = IntStream.range(0, 1000).mapToObj(i -> echo("exclusive_resources",
                IntStream.range(0, 50).mapToObj(j -> prefix + i + "." + j).toList())).toList();
        long before = taskRows();
        given().contentType(ContentType.JSON).body(Map.of("tasks", tasks)).post("/api/v1/tasks/bulk")
                .then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("tasks"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("at most 2000 distinct resources"));
        assertThat(taskRows()).as("nothing written").isEqualTo(before);

        // 1,000 tasks on 1,000 resources and the domain: within the limit, queued as given
        List<Map<String, Object>> within = IntStream.range(0, 1000)
                .mapToObj(i -> echo("exclusive_resources", List.of(prefix + "w" + i))).toList();
        given().contentType(ContentType.JSON).body(Map.of("tasks", within)).post("/api/v1/tasks/bulk")
                .then().statusCode(202);
        assertThat(taskRows()).isEqualTo(before + 1000);
    }
}
