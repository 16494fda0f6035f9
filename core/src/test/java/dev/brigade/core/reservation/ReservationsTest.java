package dev.brigade.core.reservation;

import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ReservationsTest {

    @Test
    void theDomainIsAddedShared() {
        Reservations r = Reservations.of(List.of("a", "b"), List.of("c"), "default");
        assertThat(r.encoded()).containsExactly("a", "b", "shared:c", "shared:domain:default");
        assertThat(r.exclusiveNames()).containsExactly("a", "b");
        assertThat(r.sharedNames()).containsExactly("c");
    }

    /** A name in both lists was held exclusively with the shared ask dropped unseen: it is refused. */
    @Test
    void aNameInBothListsIsRefusedNamingTheSharedOne() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Reservations.of(List.of("a", "b"), List.of("c", "b"), "default"));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("shared_resources[1]");
    }

    @Test
    void holdingTheDomainExclusivelyReplacesTheSharedDomain() {
        Reservations r = Reservations.of(List.of("domain:default"), List.of(), "default");
        assertThat(r.encoded()).containsExactly("domain:default");
    }

    @Test
    void decodeIsTheInverseOfEncode() {
        Reservations r = Reservations.of(List.of("x"), List.of("y"), "other");
        assertThat(Reservations.decode(r.encoded(), "other")).isEqualTo(r);
    }

    @Test
    void everyBadNameIsReportedWithItsField() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> Reservations.of(
                List.of("", "x".repeat(257), "tab\there"), List.of("shared:sneaky"), "dom\nain"));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly(
                "exclusive_resources[0]", "exclusive_resources[1]", "exclusive_resources[2]",
                "shared_resources[0]", "domain");
    }

    @Test
    void atMostOneHundredResourcesInAll() {
        List<String> fifty = Collections.nCopies(50, "r");
        assertThat(Reservations.of(fifty, Collections.nCopies(50, "s"), "default")).isNotNull();
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Reservations.of(fifty, Collections.nCopies(51, "s"), "default"));
        assertThat(e.errors()).extracting(FieldError::message).anyMatch(m -> m.contains("at most 100"));
    }
}
