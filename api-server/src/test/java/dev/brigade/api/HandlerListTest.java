package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * GET /api/v1/handlers: the names dispatch accepts (the api-server's own, the configured
 * {@code test.scaled-to-zero}, and those live workers advertise), each with the workers that run it.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class HandlerListTest extends ApiTestBase {
    static final String CONFIGURED = HandlerDispatchTest.CONFIGURED;

    private AdvertisingWorkers workers;

    @BeforeEach
    void workers() {
        workers = new AdvertisingWorkers(pool);
    }

    @AfterEach
    void removeWorkers() {
        workers.removeAll();
    }

    private String advertise(Map<String, Boolean> handlers, boolean online) {
        return workers.advertise(handlers, online);
    }

    @Test
    void theHandlersListShowsEachNameWithWhereItComesFrom() {
        String name = unique("test.sync");
        String gone = unique("test.gone");
        String first = advertise(Map.of(name, true, "brigade.echo", true), true);
        String second = advertise(Map.of(name, false), true);
        advertise(Map.of(gone, false), false);
        given().get("/api/v1/handlers").then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("results.name", hasItem(name))
                .body("results.name", hasItem(CONFIGURED))
                .body("results.name", not(hasItem(gone)))
                .body("results.find { it.name == '" + name + "' }.may_run_immediately", equalTo(false))
                .body("results.find { it.name == '" + name + "' }.runs_in_api_server", equalTo(false))
                .body("results.find { it.name == '" + name + "' }.configured", equalTo(false))
                .body("results.find { it.name == '" + name + "' }.workers.name", equalTo(List.of(first, second)))
                .body("results.find { it.name == '" + name + "' }.workers.may_run_immediately", equalTo(List.of(true, false)))
                .body("results.find { it.name == '" + CONFIGURED + "' }.configured", equalTo(true))
                .body("results.find { it.name == '" + CONFIGURED + "' }.may_run_immediately", equalTo(false))
                .body("results.find { it.name == '" + CONFIGURED + "' }.workers", empty())
                .body("results.find { it.name == 'brigade.echo' }.runs_in_api_server", equalTo(true))
                .body("results.find { it.name == 'brigade.echo' }.may_run_immediately", equalTo(true))
                .body("results.find { it.name == 'brigade.echo' }.workers.name", hasItem(first))
                .body("results.find { it.name == 'brigade.spawn' }.may_run_immediately", equalTo(false));
        var all = given().get("/api/v1/handlers").then().extract().jsonPath();
        assertThat(all.getList("results.name", String.class)).as("sorted by name").isSorted()
                .hasSize(all.getInt("count"));
    }

    @Test
    void theHandlersListPagesAndRefusesUnknownFilters() {
        given().get("/api/v1/handlers?limit=1").then().statusCode(200)
                .body("results.size()", equalTo(1))
                .body("next", equalTo("/api/v1/handlers?limit=1&offset=1"))
                .body("previous", nullValue());
        given().get("/api/v1/handlers?offset=100000").then().statusCode(200).body("results", empty());
        given().get("/api/v1/handlers?name=brigade.echo").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("name"));
    }

    @Test
    void theOpenApiDocumentDescribesTheHandlersList() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/handlers"));
    }
}
