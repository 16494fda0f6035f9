package dev.brigade.api;

import dev.brigade.core.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group cancel against another transaction that locks the same rows: PostgreSQL aborts one of
 * a lock cycle (40P01). A second connection plays the other side, holding its locks open while
 * the cancel request waits, so the interleaving is forced rather than hoped for. Its own
 * deadlock_timeout is long, so the cancel's backend is the one that finds the cycle and is aborted.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class GroupCancelDeadlockTest extends ApiTestBase {

    private static String newGroup() {
        return given().contentType(ContentType.JSON).body("{\"description\": \"deadlock\"}")
                .post("/api/v1/task-groups").then().statusCode(201).extract().path("id");
    }

    private static CompletableFuture<Response> cancelAsync(String group) {
        return CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body("{\"state\": \"canceled\"}").patch("/api/v1/task-groups/" + group));
    }

    private SqlConnection otherSide() {
        SqlConnection conn = pool.getConnection().await().atMost(WAIT);
        conn.query("SET deadlock_timeout = '60s'").execute().await().atMost(WAIT);
        return conn;
    }

    private void lockTask(SqlConnection conn, String id) {
        conn.preparedQuery("SELECT id FROM task WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(WAIT);
    }

    /** Waits until another backend than {@code mine} waits for a lock (the cancel request, blocked by us). */
    private void awaitAnotherBackendWaitingForALock(SqlConnection mine) {
        int myPid = mine.query("SELECT pg_backend_pid()").execute().await().atMost(WAIT).iterator().next().getInteger(0);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long waiting = pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND pid <> $1 AND datname = current_database()")
                    .execute(Tuple.of(myPid)).await().atMost(WAIT).iterator().next().getLong(0);
            if (waiting > 0) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the group cancel never waited for our lock");
    }

    private List<String> states(String group) {
        List<String> states = new ArrayList<>();
        pool.preparedQuery("SELECT state FROM task WHERE task_group = $1").execute(Tuple.of(UUID.fromString(group)))
                .await().atMost(WAIT).forEach(row -> states.add(row.getString(0)));
        return states;
    }

    /**
     * The unblocker stamps many tasks in one UPDATE by id through the primary key (ascending id);
     * a cancel that locks in another order (its creation order) holds a row that locker wants next
     * while it waits for one the locker holds. Locking in id order, a cancel waiting for the
     * lowest id holds no other task of the group.
     */
    @Test
    void aGroupCancelWaitingForItsFirstTaskHoldsNoOtherTaskOfTheGroup() throws Exception {
        String group = newGroup();
        List<String> ids = new ArrayList<>();
        List<String> byId = List.of();
        // until the first created is not the lowest id: creation order and id order then differ at the start
        while (ids.size() < 2 || byId.getFirst().equals(ids.getFirst())) {
            ids.add(dispatch(echo("task_group", group, "exclusive_resources", List.of(unique("dl")))));
            // PostgreSQL orders uuids by their bytes, unsigned: as their hex text (UUID.compareTo is signed)
            byId = ids.stream().sorted(Comparator.naturalOrder()).toList();
        }
        SqlConnection conn = otherSide();
        try {
            Transaction tx = conn.begin().await().atMost(WAIT);
            lockTask(conn, byId.getFirst());
            CompletableFuture<Response> cancel = cancelAsync(group);
            awaitAnotherBackendWaitingForALock(conn);
            for (String later : byId.subList(1, byId.size())) {
                try {
                    conn.preparedQuery("SELECT id FROM task WHERE id = $1 FOR UPDATE NOWAIT")
                            .execute(Tuple.of(UUID.fromString(later))).await().atMost(WAIT);
                } catch (PgException e) {
                    tx.rollback().await().atMost(WAIT);
                    cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    throw new AssertionError("the waiting cancel already holds task " + later
                            + " (a later id than the one it waits for): " + e.getMessage());
                }
            }
            tx.commit().await().atMost(WAIT);
            Response answer = cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(states(group)).containsOnly("canceling");
        } finally {
            conn.close().await().atMost(WAIT);
        }
    }

    /**
     * Whatever order the cancel locks in, a cycle with it can be made (here through the group row
     * it updates first): the deadlock aborts the cancel's transaction, which is run again and
     * then succeeds, never a 500.
     */
    @Test
    void aGroupCancelAbortedByADeadlockIsRetriedAndSucceeds() throws Exception {
        String group = newGroup();
        String task = dispatch(echo("task_group", group));
        SqlConnection conn = otherSide();
        try {
            Transaction tx = conn.begin().await().atMost(WAIT);
            lockTask(conn, task);
            CompletableFuture<Response> cancel = cancelAsync(group);
            awaitAnotherBackendWaitingForALock(conn);
            // the cancel holds the group row and waits for our task: take the group row too
            conn.preparedQuery("SELECT id FROM task_group WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(UUID.fromString(group))).await().atMost(WAIT);
            tx.commit().await().atMost(WAIT);
            Response answer = cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
            assertThat(states(group)).containsOnly("canceling");
        } finally {
            conn.close().await().atMost(WAIT);
        }
    }
}
