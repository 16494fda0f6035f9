package dev.brigade.it.check;

import dev.brigade.core.task.TaskState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker on hand-made rows: it passes a correct history and names each kind of violation. */
class InvariantCheckerTest {
    private static final String DOMAIN = "shared:domain:default";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aCorrectHistoryPasses() {
        List<TaskRecord> history = List.of(
                // T1 excl A and shared B, then the shared readers of A together, then T4 excl A
                completed("T1", 0, 0, 1, 10, "A", "shared:B", DOMAIN),
                completed("T2", 1, 10, 10, 20, "shared:A", DOMAIN),
                completed("T3", 2, 10, 11, 15, "shared:A", DOMAIN),
                completed("T4", 3, 20, 20, 30, "A", DOMAIN),
                completed("T5", 4, 10, 12, 14, "B", DOMAIN),
                // unrelated work overlaps anything: only the domain, shared
                completed("T6", 5, 5, 5, 25, DOMAIN),
                // canceled while it waited behind T4: never started
                new TaskRecord(id("T7"), "brigade.echo", TaskState.CANCELED, at(6), at(22), null, at(22),
                        List.of("A", DOMAIN), null, null),
                completed("T8", 7, 30, 30, 31, "A", DOMAIN));

        assertThat(InvariantChecker.violations(history, Set.of(id("T7")))).isEmpty();
        InvariantChecker.assertHolds(history, Set.of(id("T7")));
    }

    @Test
    void conflictingTasksRunningTogetherAreAnOverlap() {
        TaskRecord writer = completed("W", 0, 0, 0, 10, "A", DOMAIN);
        TaskRecord reader = completed("R", 1, 1, 5, 15, "shared:A", DOMAIN);

        List<Violation> found = InvariantChecker.violations(List.of(writer, reader));

        assertThat(found).extracting(Violation::rule).contains(Violation.Rule.OVERLAP);
        Violation overlap = found.stream().filter(v -> v.rule() == Violation.Rule.OVERLAP).findFirst().orElseThrow();
        assertThat(overlap.tasks()).containsExactly(writer, reader);
        assertThat(overlap.detail()).contains("[A]");
    }

    @Test
    void tasksThatOnlyShareAResourceMayRunTogether() {
        assertThat(InvariantChecker.violations(List.of(
                completed("R1", 0, 0, 0, 10, "shared:A", DOMAIN),
                completed("R2", 1, 1, 1, 10, "shared:A", DOMAIN)))).isEmpty();
    }

    @Test
    void oneTaskEndingWhenTheNextStartsIsNoOverlap() {
        assertThat(InvariantChecker.violations(List.of(
                completed("X1", 0, 0, 0, 10, "A", DOMAIN),
                completed("X2", 1, 10, 10, 20, "A", DOMAIN)))).isEmpty();
    }

    @Test
    void holdingTheDomainExclusivelyConflictsWithEveryTaskOfTheDomain() {
        List<Violation> found = InvariantChecker.violations(List.of(
                completed("D", 0, 0, 0, 10, "domain:default"),
                completed("E", 1, 1, 2, 3, "X", DOMAIN)));

        assertThat(found).extracting(Violation::rule).contains(Violation.Rule.OVERLAP, Violation.Rule.FIFO);
    }

    @Test
    void aLaterTaskOvertakingAWaitingEarlierOneBreaksFifoWithoutOverlapping() {
        // E waits for something else and runs late; L, created after it on the same resource, ran before
        TaskRecord early = completed("E", 0, 20, 20, 25, "A", DOMAIN);
        TaskRecord late = completed("L", 1, 2, 2, 3, "shared:A", DOMAIN);

        List<Violation> found = InvariantChecker.violations(List.of(early, late));

        assertThat(found).extracting(Violation::rule).containsExactly(Violation.Rule.FIFO);
        assertThat(found.getFirst().tasks()).containsExactly(early, late);
    }

    @Test
    void aWaitingSharedTaskDoesNotBlockALaterSharedOne() {
        assertThat(InvariantChecker.violations(List.of(
                completed("S1", 0, 20, 20, 25, "shared:A", DOMAIN),
                completed("S2", 1, 2, 2, 3, "shared:A", DOMAIN)))).isEmpty();
    }

    @Test
    void anEarlierTaskStillIncompleteBlocksEveryLaterConflictingStart() {
        TaskRecord stuck = new TaskRecord(id("S"), "brigade.sleep", TaskState.RUNNING, at(0), at(0), at(0), null,
                List.of("A", DOMAIN), "1@h", null);
        TaskRecord after = completed("N", 1, 5, 5, 6, "A", DOMAIN);

        List<Violation> found = InvariantChecker.violations(List.of(stuck, after));

        assertThat(found).extracting(Violation::rule)
                .contains(Violation.Rule.LIFECYCLE, Violation.Rule.OVERLAP, Violation.Rule.FIFO);
    }

    @Test
    void fifoTiesOnCreationTimeAreBrokenByIdAsPostgresqlOrdersThem() {
        // same created_at: the id whose hex text sorts first is the earlier task
        UUID first = UUID.fromString("10000000-0000-0000-0000-000000000000");
        UUID second = UUID.fromString("f0000000-0000-0000-0000-000000000000"); // negative as a Java long
        TaskRecord a = new TaskRecord(first, "brigade.echo", TaskState.COMPLETED, at(0), at(5), at(5), at(6),
                List.of("A", DOMAIN), "1@h", null);
        TaskRecord b = new TaskRecord(second, "brigade.echo", TaskState.COMPLETED, at(0), at(1), at(1), at(2),
                List.of("A", DOMAIN), "1@h", null);

        List<Violation> found = InvariantChecker.violations(List.of(a, b));

        assertThat(found).extracting(Violation::rule).containsExactly(Violation.Rule.FIFO);
        assertThat(found.getFirst().tasks()).containsExactly(a, b);
    }

    @Test
    void everyTaskMustBeFinalWithItsTimesInOrder() {
        List<TaskRecord> broken = new ArrayList<>();
        broken.add(new TaskRecord(id("waiting"), "n", TaskState.WAITING, at(0), null, null, null, List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("canceling"), "n", TaskState.CANCELING, at(0), at(1), at(1), null, List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("noFinish"), "n", TaskState.FAILED, at(0), at(1), at(1), null, List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("startedEarly"), "n", TaskState.COMPLETED, at(0), at(5), at(4), at(6), List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("finishedEarly"), "n", TaskState.COMPLETED, at(0), at(1), at(5), at(4), List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("neverUnblocked"), "n", TaskState.COMPLETED, at(0), null, at(1), at(2), List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("unblockedEarly"), "n", TaskState.CANCELED, at(3), at(2), null, at(4), List.of(DOMAIN), null, null));
        broken.add(new TaskRecord(id("completedUnstarted"), "n", TaskState.COMPLETED, at(0), at(1), null, at(2), List.of(DOMAIN), null, null));

        List<Violation> found = InvariantChecker.violations(broken);

        assertThat(found).hasSize(broken.size()).allMatch(v -> v.rule() == Violation.Rule.LIFECYCLE);
        assertThat(found).extracting(v -> v.tasks().getFirst()).containsExactlyElementsOf(broken);
        assertThat(found).extracting(Violation::detail).containsExactly(
                "is not final", "is not final", "is final without finished_at", "started before it was unblocked",
                "finished before it started", "started without being unblocked", "was unblocked before it was created",
                "completed without having started");
    }

    @Test
    void aTaskCanceledBeforeItRanMustNeverHaveStarted() {
        TaskRecord ranAnyway = new TaskRecord(id("C"), "brigade.sleep", TaskState.CANCELED, at(0), at(1), at(2), at(3),
                List.of(DOMAIN), "1@h", null);
        TaskRecord completedInstead = completed("K", 1, 1, 1, 2, DOMAIN);

        List<Violation> found = InvariantChecker.violations(List.of(ranAnyway, completedInstead),
                Set.of(ranAnyway.id(), completedInstead.id()));

        assertThat(found).hasSize(2).allMatch(v -> v.rule() == Violation.Rule.LIFECYCLE
                && v.detail().contains("canceled before it ran"));
    }

    @Test
    void theFailureMessagePrintsTheOffendingTasks() {
        TaskRecord writer = completed("W", 0, 0, 0, 10, "A", DOMAIN);
        TaskRecord reader = completed("R", 1, 1, 5, 15, "shared:A", DOMAIN);

        assertThatThrownBy(() -> InvariantChecker.assertHolds(List.of(writer, reader)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("OVERLAP")
                .hasMessageContaining("FIFO")
                .hasMessageContaining(writer.id().toString())
                .hasMessageContaining(reader.id().toString())
                .hasMessageContaining("started " + at(5));
    }

    @Test
    void handlerRunsInsideTheirRowsOnTheirWorkerPass() {
        TaskRecord done = record("done", TaskState.COMPLETED, 1, 5);
        TaskRecord killed = record("killed", TaskState.FAILED, 1, 20); // its worker died: a start, no end

        assertThat(InvariantChecker.violations(List.of(done, killed), Set.of(), List.of(
                new HandlerRun(done.id(), at(2), at(4), "1@host"),
                new HandlerRun(killed.id(), at(2), null, "1@host")))).isEmpty();
    }

    @Test
    void aHandlerThatRanTwiceOrOutsideItsRowIsAHandlerRunViolation() {
        TaskRecord twice = record("twice", TaskState.COMPLETED, 1, 10);
        TaskRecord early = record("early", TaskState.COMPLETED, 5, 10);
        TaskRecord late = record("late", TaskState.FAILED, 1, 5);
        TaskRecord elsewhere = record("elsewhere", TaskState.COMPLETED, 1, 5);
        TaskRecord unrecorded = record("unrecorded", TaskState.COMPLETED, 1, 5);
        TaskRecord neverStarted = new TaskRecord(id("neverStarted"), "brigade.record", TaskState.CANCELED, at(0), at(0),
                null, at(3), List.of(DOMAIN), null, null);

        List<Violation> found = InvariantChecker.violations(
                List.of(twice, early, late, elsewhere, unrecorded, neverStarted), Set.of(), List.of(
                        new HandlerRun(twice.id(), at(2), at(3), "1@host"),
                        new HandlerRun(twice.id(), at(4), at(5), "1@host"),
                        new HandlerRun(early.id(), at(4), at(6), "1@host"),
                        new HandlerRun(late.id(), at(2), at(6), "1@host"),
                        new HandlerRun(elsewhere.id(), at(2), at(3), "2@host"),
                        new HandlerRun(neverStarted.id(), at(1), at(2), "1@host")));

        assertThat(found).allMatch(v -> v.rule() == Violation.Rule.HANDLER_RUN);
        assertThat(found).extracting(v -> v.tasks().getFirst())
                .containsExactly(twice, early, late, elsewhere, unrecorded, neverStarted);
        assertThat(found).extracting(Violation::detail).satisfiesExactly(
                d -> assertThat(d).startsWith("its handler started 2 times"),
                d -> assertThat(d).startsWith("its handler started before the row's started_at"),
                d -> assertThat(d).startsWith("its handler ended after the row's finished_at"),
                d -> assertThat(d).startsWith("its handler ran on 2@host, not on the worker its row names"),
                d -> assertThat(d).isEqualTo("it completed without exactly one whole handler run"),
                d -> assertThat(d).startsWith("its handler ran though its row never started"));
    }

    @Test
    void runLogLinesPairEachStartWithItsEnd() {
        UUID a = id("a");
        UUID b = id("b");
        List<HandlerRun> runs = HandlerRun.parse(List.of(
                "start " + a + " 1000000 7@h",
                "start " + b + " 1500000 7@h",
                "end " + a + " 2000000",
                "start " + a + " 3000000 7@h",
                "end " + a + " 4000000",
                "start " + b + " 5"));  // cut short by a kill -9: ignored

        assertThat(runs).containsExactly(
                new HandlerRun(a, Instant.ofEpochSecond(1), Instant.ofEpochSecond(2), "7@h"),
                new HandlerRun(b, Instant.ofEpochMilli(1500), null, "7@h"),
                new HandlerRun(a, Instant.ofEpochSecond(3), Instant.ofEpochSecond(4), "7@h"));
    }

    @Test
    void aFinalTaskThatChangesLaterIsAViolation() {
        TaskRecord done = record("done", TaskState.COMPLETED, 1, 5);
        TaskRecord running = new TaskRecord(id("running"), "brigade.record", TaskState.RUNNING, at(0), at(0), at(1), null,
                List.of(DOMAIN), "1@host", null);
        TaskRecord doneThenFailed = new TaskRecord(done.id(), done.name(), TaskState.FAILED, done.createdAt(),
                done.unblockedAt(), done.startedAt(), at(9), done.reservedResources(), done.worker(), "worker gone");
        TaskRecord runningThenDone = record("running", TaskState.COMPLETED, 1, 6);

        assertThat(InvariantChecker.changedAfterFinal(List.of(done, running), List.of(done, runningThenDone))).isEmpty();
        List<Violation> found = InvariantChecker.changedAfterFinal(List.of(done, running), List.of(doneThenFailed, runningThenDone));
        assertThat(found).singleElement().satisfies(v -> {
            assertThat(v.detail()).isEqualTo("a final task changed afterwards");
            assertThat(v.tasks()).containsExactly(done, doneThenFailed);
        });
    }

    private static TaskRecord record(String name, TaskState state, int started, int finished) {
        return new TaskRecord(id(name), "brigade.record", state, at(0), at(0), at(started), at(finished),
                List.of(DOMAIN), "1@host", null);
    }

    private static TaskRecord completed(String name, int created, int unblocked, int started, int finished,
                                        String... reserved) {
        return new TaskRecord(id(name), name, TaskState.COMPLETED, at(created), at(unblocked), at(started),
                at(finished), List.of(reserved), "1@host", null);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static UUID id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes());
    }
}
