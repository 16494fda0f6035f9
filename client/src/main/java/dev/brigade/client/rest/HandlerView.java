package dev.brigade.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * A handler name dispatch accepts (docs/handlers.md): whether {@code immediate: true} is
 * accepted, whether the api-server runs it itself, whether it is configured as known, and the
 * live workers that advertise it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandlerView(String name, boolean mayRunImmediately, boolean runsInApiServer, boolean configured,
                          List<Worker> workers) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Worker(String name, boolean mayRunImmediately) {
    }
}
