package dev.brigade.core.db;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ReservationSqlTest extends SqlTestSupport {

    @Test
    void aTaskOnFreeResourcesIsUnblockedAtDispatch() {
        UUID a = dispatch(List.of("A"), List.of());
        UUID none = dispatch(List.of(), List.of());
        assertThat(unblocked(a)).isTrue();
        assertThat(unblocked(none)).isTrue();
    }

    @Test
    void anExclusiveTaskWaitsForTheEarlierHolderAndOthersDoNot() {
        UUID first = dispatch(List.of("B"), List.of());
        UUID second = dispatch(List.of("B"), List.of());
        UUID other = dispatch(List.of("O"), List.of());
        assertThat(unblocked(first)).isTrue();
        assertThat(unblocked(second)).isFalse();
        assertThat(unblocked(other)).as("no head-of-line blocking").isTrue();

        runToCompletion(first);
        assertThat(count("SELECT count(*) FROM task_reservation WHERE task_id = '" + first + "'")).isZero();
        assertThat(unblocked(second)).as("not before the unblocker ran").isFalse();
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(second)).isTrue();
        assertThat(count("SELECT count(*) FROM reservation_release")).isZero();
    }

    @Test
    void sharedHoldersRunTogetherButAWaitingExclusiveBlocksLaterSharedOnes() {
        UUID shared1 = dispatch(List.of(), List.of("R"));
        UUID shared2 = dispatch(List.of(), List.of("R"));
        UUID exclusive = dispatch(List.of("R"), List.of());
        UUID shared3 = dispatch(List.of(), List.of("R"));
        assertThat(unblocked(shared1)).isTrue();
        assertThat(unblocked(shared2)).isTrue();
        assertThat(unblocked(exclusive)).isFalse();
        assertThat(unblocked(shared3)).as("no starvation of the exclusive task").isFalse();

        runToCompletion(shared1);
        assertThat(unblockReleased()).as("shared2 still holds R").isZero();
        runToCompletion(shared2);
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(exclusive)).isTrue();
        assertThat(unblocked(shared3)).isFalse();
        runToCompletion(exclusive);
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(shared3)).isTrue();
    }

    @Test
    void pulpMultiResourceScenario() {
        UUID t1 = dispatch(List.of("A"), List.of("B"));
        UUID t2 = dispatch(List.of(), List.of("A"));
        UUID t3 = dispatch(List.of(), List.of("A"));
        UUID t4 = dispatch(List.of("A"), List.of());
        UUID t5 = dispatch(List.of("B"), List.of());
        assertThat(List.of(unblocked(t1), unblocked(t2), unblocked(t3), unblocked(t4), unblocked(t5)))
                .containsExactly(true, false, false, false, false);

        runToCompletion(t1);
        unblockReleased();
        assertThat(List.of(unblocked(t2), unblocked(t3), unblocked(t4), unblocked(t5)))
                .containsExactly(true, true, false, true);

        runToCompletion(t2);
        unblockReleased();
        assertThat(unblocked(t4)).as("t3 still holds A shared").isFalse();
        runToCompletion(t3);
        unblockReleased();
        assertThat(unblocked(t4)).isTrue();
    }

    @Test
    void aTaskWaitsUntilEveryBlockerOfEveryResourceIsGone() {
        UUID onX = dispatch(List.of("X"), List.of());
        UUID onY = dispatch(List.of("Y"), List.of());
        UUID onBoth = dispatch(List.of("X", "Y"), List.of());
        runToCompletion(onX);
        unblockReleased();
        assertThat(unblocked(onBoth)).isFalse();
        runToCompletion(onY);
        unblockReleased();
        assertThat(unblocked(onBoth)).isTrue();
    }

    @Test
    void theDomainIsSharedByEveryTaskUnlessHeldExclusively() {
        UUID plain = dispatch(List.of("P"), List.of());
        UUID wholeDomain = dispatch(List.of("domain:default"), List.of());
        UUID later = dispatch(List.of("Q"), List.of());
        assertThat(task(plain).reservedResources()).containsExactly("P", "shared:domain:default");
        assertThat(task(wholeDomain).reservedResources()).containsExactly("domain:default");
        assertThat(unblocked(plain)).isTrue();
        assertThat(unblocked(wholeDomain)).isFalse();
        assertThat(unblocked(later)).isFalse();
        runToCompletion(plain);
        unblockReleased();
        assertThat(unblocked(wholeDomain)).isTrue();
        assertThat(unblocked(later)).isFalse();
        runToCompletion(wholeDomain);
        unblockReleased();
        assertThat(unblocked(later)).isTrue();
    }

    @Test
    void unblockingTouchesOnlyTheTasksTheReleaseFreed() {
        UUID holder = dispatch(List.of("H"), List.of());
        UUID next = dispatch(List.of("H"), List.of());
        UUID afterNext = dispatch(List.of("H"), List.of());
        UUID blockedElsewhere = dispatch(List.of("K"), List.of());
        UUID behindK = dispatch(List.of("K"), List.of());
        runToCompletion(holder);
        assertThat(unblockReleased()).isEqualTo(1);
        assertThat(unblocked(next)).isTrue();
        assertThat(unblocked(afterNext)).isFalse();
        assertThat(unblocked(behindK)).isFalse();
        assertThat(task(blockedElsewhere).unblockedAt()).isBefore(task(next).unblockedAt());
    }
}
