package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/**
 * Each filter is proven on tasks of a domain of the test's own: one task that must match and
 * at least one that must not.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskListTest extends ApiTestBase {

    private static ValidatableResponse list(String domain, String query) {
        return given().get("/api/v1/tasks?domain=" + domain + (query.isEmpty() ? "" : "&" + query)).then();
    }

    private static List<String> listIds(String domain, String query) {
        return ids(list(domain, query).statusCode(200));
    }

    @Test
    void newestFirstWithCount() {
        String d = unique("d");
        String first = dispatch(echo("domain", d));
        String second = dispatch(echo("domain", d));
        list(d, "").statusCode(200).body("count", equalTo(2)).body("next", nullValue()).body("previous", nullValue());
        assertThat(listIds(d, "")).containsExactly(second, first);
    }

    @Test
    void filtersByStateAndStateIn() {
        String d = unique("d");
        String waiting = dispatch(echo("domain", d));
        String completed = dispatch(echo("domain", d));
        String failed = dispatch(echo("domain", d));
        markFinal(completed, "completed");
        markFinal(failed, "failed");
        assertThat(listIds(d, "state=completed")).containsExactly(completed);
        assertThat(listIds(d, "state__in=waiting,failed")).containsExactlyInAnyOrder(waiting, failed);
    }

    @Test
    void filtersByNameAndNameContains() {
        String d = unique("d");
        String echo = dispatch(echo("domain", d));
        String sleep = dispatch(Map.of("name", "brigade.sleep", "args", Map.of("seconds", 1), "domain", d));
        assertThat(listIds(d, "name=brigade.sleep")).containsExactly(sleep);
        assertThat(listIds(d, "name__contains=cho")).containsExactly(echo);
        assertThat(listIds(d, "name__contains=brigade.")).containsExactlyInAnyOrder(echo, sleep);
        assertThat(listIds(d, "name=brigade")).isEmpty();
    }

    @Test
    void filtersByWorker() {
        String d = unique("d");
        String held = dispatch(echo("domain", d));
        dispatch(echo("domain", d));
        markRunning(held);
        assertThat(listIds(d, "worker=test@host")).containsExactly(held);
    }

    @Test
    void filtersByResourcesInEachMode() {
        String d = unique("d");
        String exclusive = dispatch(echo("domain", d, "exclusive_resources", List.of("repo:1")));
        String shared = dispatch(echo("domain", d, "shared_resources", List.of("repo:1")));
        dispatch(echo("domain", d, "exclusive_resources", List.of("repo:2")));
        assertThat(listIds(d, "reserved_resources=repo:1")).containsExactlyInAnyOrder(exclusive, shared);
        assertThat(listIds(d, "exclusive_resources=repo:1")).containsExactly(exclusive);
        assertThat(listIds(d, "shared_resources=repo:1")).containsExactly(shared);
    }

    @Test
    void filtersByTaskGroupAndParentTask() {
        String d = unique("d");
        UUID group = UUID.randomUUID();
        sql("INSERT INTO task_group (id, description) VALUES ($1, 'test')", group);
        String grouped = dispatch(echo("domain", d, "task_group", group.toString()));
        String parent = dispatch(echo("domain", d));
        String child = dispatch(echo("domain", d));
        pool.preparedQuery("UPDATE task SET parent_task = $1 WHERE id = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(parent), UUID.fromString(child)))
                .await().atMost(WAIT);
        assertThat(listIds(d, "task_group=" + group)).containsExactly(grouped);
        assertThat(listIds(d, "parent_task=" + parent)).containsExactly(child);
        given().get("/api/v1/tasks/" + parent).then().body("child_tasks", equalTo(List.of(child)));
    }

    @Test
    void filtersByDomain() {
        String d = unique("d");
        String mine = dispatch(echo("domain", d));
        dispatch(echo("domain", unique("other")));
        assertThat(ids(given().get("/api/v1/tasks?domain=" + d).then().statusCode(200))).containsExactly(mine);
    }

    @Test
    void timeBoundsAreInclusiveAndMatchTheTimesShown() {
        String d = unique("d");
        String early = dispatch(echo("domain", d));
        String late = dispatch(echo("domain", d));
        String earlyAt = given().get("/api/v1/tasks/" + early).then().extract().path("created_at");
        String lateAt = given().get("/api/v1/tasks/" + late).then().extract().path("created_at");
        assertThat(listIds(d, "created_at__gte=" + lateAt)).containsExactly(late);
        assertThat(listIds(d, "created_at__lte=" + earlyAt)).containsExactly(early);
        assertThat(listIds(d, "created_at__gte=" + earlyAt + "&created_at__lte=" + earlyAt)).containsExactly(early);
    }

    @Test
    void filtersByStartedAndFinishedTimes() {
        String d = unique("d");
        String done = dispatch(echo("domain", d));
        dispatch(echo("domain", d));
        markFinal(done, "completed");
        String startedAt = given().get("/api/v1/tasks/" + done).then().extract().path("started_at");
        String finishedAt = given().get("/api/v1/tasks/" + done).then().extract().path("finished_at");
        assertThat(listIds(d, "started_at__gte=" + startedAt + "&started_at__lte=" + startedAt)).containsExactly(done);
        assertThat(listIds(d, "finished_at__gte=" + finishedAt + "&finished_at__lte=" + finishedAt)).containsExactly(done);
        assertThat(listIds(d, "finished_at__lte=2000-01-01T00:00:00Z")).isEmpty();
    }

    @Test
    void anOffsetTimeWithAnUnencodedPlusIsReadAsMeant() {
        String d = unique("d");
        String task = dispatch(echo("domain", d));
        assertThat(listIds(d, "created_at__gte=2000-01-01T01:00:00+01:00")).containsExactly(task);
    }

    @Test
    void pagesCarryLinksWithTheirQuery() {
        String d = unique("d");
        List<String> dispatched = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dispatched.add(dispatch(echo("domain", d)));
        }
        ValidatableResponse page = list(d, "limit=2&offset=2").statusCode(200)
                .body("count", equalTo(5))
                .body("next", equalTo("/api/v1/tasks?domain=" + d + "&limit=2&offset=4"))
                .body("previous", equalTo("/api/v1/tasks?domain=" + d + "&limit=2&offset=0"));
        assertThat(ids(page)).containsExactly(dispatched.get(2), dispatched.get(1));
        list(d, "limit=2&offset=4").body("next", nullValue());
        list(d, "limit=1000").statusCode(200);
    }

    @Test
    void fieldsAndExcludeFieldsShapeListAndDetail() {
        String d = unique("d");
        String id = dispatch(echo("domain", d));
        Map<String, Object> only = list(d, "fields=id,state").statusCode(200).extract().path("results[0]");
        assertThat(only).containsOnlyKeys("id", "state");
        Map<String, Object> without = list(d, "exclude_fields=child_tasks,progress_reports").extract().path("results[0]");
        assertThat(without).doesNotContainKeys("child_tasks", "progress_reports").containsKeys("id", "name", "error");
        Map<String, Object> detail = given().get("/api/v1/tasks/" + id + "?fields=name").then().statusCode(200)
                .extract().path("$");
        assertThat(detail).containsOnlyKeys("name");
        given().get("/api/v1/tasks/" + id + "?exclude_fields=nope").then().statusCode(400)
                .body("errors.field", hasItem("exclude_fields"));
    }

    @Test
    void badFilterAndPagingValuesAre400() {
        assertBadQuery("created_at__gte=yesterday", "created_at__gte");
        assertBadQuery("finished_at__lte=2026-13-01T00:00:00Z", "finished_at__lte");
        assertBadQuery("state=done", "state");
        assertBadQuery("state__in=waiting,nope", "state__in");
        assertBadQuery("limit=ten", "limit");
        assertBadQuery("limit=1001", "limit");
        assertBadQuery("limit=0", "limit");
        assertBadQuery("offset=-1", "offset");
        assertBadQuery("task_group=not-a-uuid", "task_group");
        assertBadQuery("parent_task=1-1-1-1-1", "parent_task");
        assertBadQuery("fields=id,nope", "fields");
        assertBadQuery("stat=waiting", "stat");
    }

    private static void assertBadQuery(String query, String field) {
        given().get("/api/v1/tasks?" + query).then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
    }

    /** An unknown filter is a 400 naming it, and its message lists the filters the list takes. */
    @Test
    void anUnknownFilterIsA400ListingTheValidOnes() {
        given().get("/api/v1/tasks?stat=waiting").then().statusCode(400)
                .body("errors.field", equalTo(List.of("stat")))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("state__in"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("finished_at__lte"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("limit"));
    }
}
