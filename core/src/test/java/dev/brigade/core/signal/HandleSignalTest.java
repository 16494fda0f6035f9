package dev.brigade.core.signal;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class HandleSignalTest {

    @Test
    void namesTravelInThePayloadAndBack() {
        HandleSignal sent = HandleSignal.of(Set.of("repository.sync", "naïve \"quoted\", name"));

        assertThat(sent.payload()).startsWith("handle [");
        assertThat(HandleSignal.parse(sent.payload())).contains(sent);
        assertThat(Signal.wakeup(sent.payload())).contains(Signal.HANDLE);
    }

    @Test
    void theOldPayloadIsAHandleForAnyWorker() {
        assertThat(HandleSignal.parse("handle")).contains(HandleSignal.any());
        assertThat(HandleSignal.any().payload()).isEqualTo(Signal.HANDLE.payload());
        assertThat(HandleSignal.any().concerns(Set.of("brigade.echo"))).isTrue();
    }

    @Test
    void aWorkerIsConcernedOnlyWhenItRunsOneOfTheNames() {
        HandleSignal handle = HandleSignal.of(Set.of("repository.sync", "repository.index"));

        assertThat(handle.concerns(Set.of("brigade.echo", "repository.index"))).isTrue();
        assertThat(handle.concerns(Set.of("brigade.echo"))).isFalse();
    }

    @Test
    void tooManyNamesForAShortPayloadWakeAnyWorker() {
        Set<String> many = IntStream.range(0, 200).mapToObj(i -> "team-" + i + ".a-rather-long-handler-name")
                .collect(Collectors.toSet());

        assertThat(HandleSignal.of(many).payload()).isEqualTo("handle");
    }

    @Test
    void otherPayloadsAreNoHandleAndAnUnreadableListConcernsEveryone() {
        assertThat(HandleSignal.parse("unblock")).isEmpty();
        assertThat(HandleSignal.parse("handled")).isEmpty();
        assertThat(HandleSignal.parse(null)).isEmpty();
        assertThat(HandleSignal.parse("handle [not json")).isEqualTo(Optional.of(HandleSignal.any()));
        assertThat(HandleSignal.parse("handle [null]")).isEqualTo(Optional.of(HandleSignal.any()));
    }

    @Test
    void theRelayHeaderListsTheNamesInAscii() {
        String header = RelayProtocol.handlersHeader(Set.of("brigade.echo", "dépôt.sync")).orElseThrow();

        assertThat(header).matches("\\p{ASCII}*");
        assertThat(RelayProtocol.handlersOf(header)).contains(Set.of("brigade.echo", "dépôt.sync"));
        assertThat(RelayProtocol.handlersOf(null)).isEmpty();
        assertThat(RelayProtocol.handlersOf("{")).isEmpty();
    }
}
