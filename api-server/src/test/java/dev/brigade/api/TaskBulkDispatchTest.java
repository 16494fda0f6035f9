package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskBulkDispatchTest extends ApiTestBase {
    static final String BULK = "/api/v1/tasks/bulk";

    private static ValidatableResponse bulk(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post(BULK).then();
    }

    private static ValidatableResponse bulkOf(List<?> tasks) {
        return bulk(Map.of("tasks", tasks));
    }

    private static Map<String, Object> echoOn(List<String> exclusive, List<String> shared) {
        return echo("exclusive_resources", exclusive, "shared_resources", shared);
    }

    private static List<Map<String, Object>> echoes(int n) {
        return IntStream.range(0, n).mapToObj(i -> echo("args", Map.of("value", i))).toList();
    }

    private long reservationRows() {
        return pool.query("SELECT count(*) FROM task_reservation").execute().await().atMost(WAIT)
                .iterator().next().getLong(0);
    }

    /** The request is refused with a 400 naming exactly these fields, and writes no row. */
    private void assertRejected(Object body, String... fields) {
        long tasks = taskRows();
        long reservations = reservationRows();
        bulk(body).statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", notNullValue())
                .body("errors.field", containsInAnyOrder(fields));
        assertThat(taskRows()).as("task rows written by a refused bulk").isEqualTo(tasks);
        assertThat(reservationRows()).as("reservation rows written by a refused bulk").isEqualTo(reservations);
    }

    @Test
    void aBulkAnswers202WithEveryTaskInTheOrderGivenShownAsAGetShowsIt() {
        String domain = unique("tenant");
        List<Map<String, Object>> tasks = List.of(
                echo("args", Map.of("value", "a"), "exclusive_resources", List.of(unique("repo"))),
                Map.of("name", "brigade.sleep", "args", Map.of("seconds", 1), "shared_resources", List.of(unique("remote"))),
                Map.of("name", "brigade.fail", "domain", domain, "versions", Map.of("brigade", "1.0.0")));
        ExtractableResponse<Response> answer = bulkOf(tasks).statusCode(202)
                .contentType(ContentType.JSON)
                .body("tasks.name", contains("brigade.echo", "brigade.sleep", "brigade.fail"))
                .body("tasks.state", everyItem(equalTo("waiting")))
                .body("tasks[2].domain", equalTo(domain))
                .body("tasks[2].reserved_resources", contains("shared:domain:" + domain))
                .extract();
        assertThat(answer.header("Location")).as("a bulk has no one location").isNull();
        Map<String, Object> body = answer.jsonPath().getMap("$");
        assertThat(body.keySet()).containsExactly("tasks");
        List<Map<String, Object>> shown = answer.jsonPath().getList("tasks");
        assertThat(shown).hasSize(3);
        for (Map<String, Object> task : shown) {
            assertThat(task.keySet()).as("the task view of a single dispatch")
                    .containsExactlyInAnyOrderElementsOf(dev.brigade.api.task.TaskView.FIELDS);
            Map<String, Object> read = given().get((String) task.get("href")).then().statusCode(200)
                    .extract().jsonPath().getMap("$");
            assertThat(task).as("the answer shows the task as a GET reads it").isEqualTo(read);
        }
    }

    @Test
    void conflictingTasksOnOneExclusiveResourceQueueInTheOrderGiven() {
        String resource = unique("repo");
        // args are not shown: a domain of its own tells each task apart in the answer and the table
        List<String> domains = IntStream.range(0, 10).mapToObj(i -> unique("d" + i)).toList();
        List<Map<String, Object>> tasks = domains.stream()
                .map(domain -> echo("domain", domain, "exclusive_resources", List.of(resource))).toList();
        ExtractableResponse<Response> answer = bulkOf(tasks).statusCode(202).extract();
        assertThat(answer.<List<String>>path("tasks.domain")).as("answered in the order given").isEqualTo(domains);
        List<String> unblocked = answer.path("tasks.unblocked_at");
        assertThat(unblocked.getFirst()).as("the first of the queue is free").isNotNull();
        assertThat(unblocked.subList(1, 10)).as("the rest wait behind it").containsOnlyNulls();
        List<Instant> created = answer.<List<String>>path("tasks.created_at").stream().map(Instant::parse).toList();
        for (int i = 1; i < created.size(); i++) {
            assertThat(created.get(i)).as("created_at of task %d", i).isAfter(created.get(i - 1));
        }
        // the queue the unblocker walks holds them in that order too
        List<String> queued = new ArrayList<>();
        List<Boolean> free = new ArrayList<>();
        pool.preparedQuery("""
                        SELECT t.domain, t.unblocked_at IS NOT NULL AS free
                        FROM task_reservation r JOIN task t ON t.id = r.task_id
                        WHERE r.resource = $1 ORDER BY r.task_created_at, r.task_id""")
                .execute(Tuple.of(resource)).await().atMost(WAIT)
                .forEach(row -> {
                    queued.add(row.getString("domain"));
                    free.add(row.getBoolean("free"));
                });
        assertThat(queued).isEqualTo(domains);
        assertThat(free).containsExactly(true, false, false, false, false, false, false, false, false, false);
    }

    @Test
    void concurrentBulksOnOneResourceQueueOneAfterTheOtherEachInItsOrder() throws Exception {
        String resource = unique("repo");
        int bulks = 4;
        int size = 50;
        List<List<String>> given = IntStream.range(0, bulks).mapToObj(b -> IntStream.range(0, size)
                .mapToObj(i -> unique("b" + b + "-" + i)).toList()).toList();
        try (var clients = java.util.concurrent.Executors.newFixedThreadPool(bulks)) {
            List<java.util.concurrent.Future<Integer>> answers = given.stream().map(domains -> clients.submit(() ->
                    bulkOf(domains.stream().map(d -> echo("domain", d, "exclusive_resources", List.of(resource))).toList())
                            .extract().statusCode())).toList();
            for (var answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        }
        List<String> queued = new ArrayList<>();
        long free = 0;
        for (var row : pool.preparedQuery("""
                        SELECT t.domain, t.unblocked_at IS NOT NULL AS free
                        FROM task_reservation r JOIN task t ON t.id = r.task_id
                        WHERE r.resource = $1 ORDER BY r.task_created_at, r.task_id""")
                .execute(Tuple.of(resource)).await().atMost(WAIT)) {
            queued.add(row.getString("domain"));
            free += row.getBoolean("free") ? 1 : 0;
        }
        assertThat(free).as("tasks free on one exclusive resource").isEqualTo(1);
        assertThat(queued).hasSize(bulks * size);
        for (int at = 0; at < queued.size(); at += size) {
            List<String> run = queued.subList(at, at + size);
            assertThat(given).as("the queue holds each bulk whole and in its order").contains(run);
        }
    }

    @Test
    void sharedTasksOfABulkAreFreeTogetherUntilAnExclusiveOneQueuesBehindThem() {
        String resource = unique("repo");
        String other = unique("repo");
        List<Map<String, Object>> tasks = List.of(
                echoOn(List.of(), List.of(resource)),
                echoOn(List.of(), List.of(resource)),
                echoOn(List.of(resource), List.of()),
                echoOn(List.of(), List.of(resource)),
                echoOn(List.of(other), List.of()));
        List<String> unblocked = bulkOf(tasks).statusCode(202).extract().path("tasks.unblocked_at");
        assertThat(unblocked.get(0)).isNotNull();
        assertThat(unblocked.get(1)).as("shared beside shared").isNotNull();
        assertThat(unblocked.get(2)).as("exclusive behind shared").isNull();
        assertThat(unblocked.get(3)).as("shared behind exclusive").isNull();
        assertThat(unblocked.get(4)).as("another resource").isNotNull();
    }

    @Test
    void aBulkQueuesBehindWhatIsAlreadyQueued() {
        String resource = unique("repo");
        dispatch(echo("exclusive_resources", List.of(resource)));
        bulkOf(List.of(echoOn(List.of(), List.of(resource)), echoOn(List.of(unique("repo")), List.of())))
                .statusCode(202)
                .body("tasks[0].unblocked_at", nullValue())
                .body("tasks[1].unblocked_at", notNullValue());
    }

    @Test
    void oneBadTaskAmongManyIsA400NamingItsIndexAndWritesNothing() {
        List<Map<String, Object>> tasks = new ArrayList<>(echoes(50).stream().map(HashMap::new).toList());
        tasks.get(3).put("name", "no.such.handler");
        tasks.get(41).put("exclusive_resources", List.of("ok", ""));
        tasks.get(41).put("deferred", false);
        assertRejected(Map.of("tasks", tasks), "tasks[3].name", "tasks[41].exclusive_resources[1]", "tasks[41].deferred");
    }

    @Test
    void anUnknownFieldOfOneTaskIsA400NamingItsIndex() {
        List<Map<String, Object>> tasks = new ArrayList<>(echoes(3));
        tasks.set(1, echo("exclusive_resource", List.of("repo:1")));
        assertRejected(Map.of("tasks", tasks), "tasks[1].exclusive_resource");
    }

    @Test
    void aTaskOfTheWrongShapeIsA400NamingItsIndex() {
        assertRejected(Map.of("tasks", List.of(echo(), echo("task_group", "not-a-uuid"))), "tasks[1].task_group");
        assertRejected("{\"tasks\": [{\"name\": \"brigade.echo\"}, 1]}", "tasks[1]");
        assertRejected("{\"tasks\": [{\"name\": \"brigade.echo\"}, null]}", "tasks[1]");
    }

    @Test
    void argsOverOneMebibyteInOneTaskAreA413NamingItsIndex() {
        long before = taskRows();
        List<Map<String, Object>> tasks = List.of(echo(), echo("args", Map.of("value", "x".repeat(1024 * 1024))));
        bulkOf(tasks).statusCode(413).contentType("application/problem+json").body("errors.field", contains("tasks[1].args"));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void zeroTasksIsA400NamingTasks() {
        assertRejected(Map.of("tasks", List.of()), "tasks");
    }

    @Test
    void moreThan1000TasksIsA400NamingTasks() {
        assertRejected(Map.of("tasks", echoes(1001)), "tasks");
    }

    @Test
    void a1000TaskBulkIsAccepted() {
        long before = taskRows();
        bulkOf(echoes(1000)).statusCode(202).body("tasks", hasSize(1000)).body("tasks[999].name", equalTo("brigade.echo"));
        assertThat(taskRows()).isEqualTo(before + 1000);
    }

    @Test
    void missingTasksOrTasksThatAreNotAListAreA400NamingTasks() {
        assertRejected(Map.of(), "tasks");
        assertRejected("{\"tasks\": null}", "tasks");
        assertRejected("{\"tasks\": \"brigade.echo\"}", "tasks");
        assertRejected(Map.of("tasks", echo()), "tasks");
        assertRejected(Map.of("tasks", List.of(echo()), "task", List.of()), "task");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() {
        assertRejected("", "body");
        assertRejected(List.of(echo()), "body");
    }

    @Test
    void anImmediateTaskInABulkIsA400NamingItsIndex() {
        assertRejected(Map.of("tasks", List.of(echo(), echo("immediate", true))), "tasks[1].immediate");
        // its other fields are checked all the same, as the deferred task it would have to be
        assertRejected(Map.of("tasks", List.of(echo("immediate", true, "deferred", false, "name", "nope"))),
                "tasks[0].immediate", "tasks[0].name");
        bulkOf(List.of(echo("immediate", false))).statusCode(202).body("tasks[0].immediate", equalTo(false));
    }

    @Test
    void aTaskGroupThatDoesNotExistIsA400NamingItsIndex() {
        String group = newGroup();
        String missing = "7d6b1a53-4a1c-4bd0-9e0e-000000000000";
        assertRejected(Map.of("tasks", List.of(echo("task_group", group), echo("task_group", missing),
                echo(), echo("task_group", missing, "name", "nope"))),
                "tasks[1].task_group", "tasks[3].task_group", "tasks[3].name");
        given().get("/api/v1/task-groups/" + group).then().body("waiting", equalTo(0));
    }

    @Test
    void tasksOfAGroupThatExistsAreDispatchedIntoIt() {
        String group = newGroup();
        String other = newGroup();
        bulkOf(List.of(echo("task_group", group), echo("task_group", group), echo("task_group", other), echo()))
                .statusCode(202)
                .body("tasks.task_group", contains(group, group, other, null));
        given().get("/api/v1/task-groups/" + group).then().body("waiting", equalTo(2));
        given().get("/api/v1/task-groups/" + other).then().body("waiting", equalTo(1));
    }

    @Test
    void theCorrelationIdBecomesEveryTasksLoggingCidAndIsEchoed() {
        bulk(Map.of("tasks", echoes(3))).statusCode(202); // without the header first: no cid carried over
        List<String> cids = given().contentType(ContentType.JSON).header("Correlation-ID", "cid-bulk-1")
                .body(Map.of("tasks", echoes(3))).post(BULK).then().statusCode(202)
                .header("Correlation-ID", "cid-bulk-1")
                .extract().path("tasks.logging_cid");
        assertThat(cids).containsExactly("cid-bulk-1", "cid-bulk-1", "cid-bulk-1");
    }

    @Test
    void withoutACorrelationIdTheTasksShareOneGeneratedAndEchoed() {
        ExtractableResponse<Response> first = bulkOf(echoes(3)).statusCode(202).extract();
        String header = first.header("Correlation-ID");
        assertThat(header).isNotBlank();
        assertThat(first.<List<String>>path("tasks.logging_cid")).containsOnly(header);
        String second = bulkOf(echoes(1)).statusCode(202).extract().header("Correlation-ID");
        assertThat(second).as("one per request").isNotEqualTo(header);
    }

    @Test
    void aCorrelationIdOver256CharactersIsOne400() {
        long before = taskRows();
        given().contentType(ContentType.JSON).header("Correlation-ID", "c".repeat(257)).body(Map.of("tasks", echoes(5)))
                .post(BULK).then().statusCode(400).body("errors.field", contains("Correlation-ID"));
        assertThat(taskRows()).isEqualTo(before);
    }

    @Test
    void onlyPostIsSupported() {
        given().get(BULK).then().statusCode(405).contentType("application/problem+json");
    }

    private static String newGroup() {
        return given().contentType(ContentType.JSON).body(Map.of("description", "bulk"))
                .post("/api/v1/task-groups").then().statusCode(201).extract().path("id");
    }
}
