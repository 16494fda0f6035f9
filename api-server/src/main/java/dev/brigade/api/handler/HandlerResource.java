package dev.brigade.api.handler;

import dev.brigade.api.config.ApiConfig;
import dev.brigade.api.error.Problem;
import dev.brigade.api.paging.Page;
import dev.brigade.api.paging.PageRequest;
import dev.brigade.core.error.FieldError;
import dev.brigade.core.error.InvalidRequestException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The handler names dispatch accepts: the api-server's own, those configured as known, and those
 * live workers advertise, each with the workers that run it. Read only. A page like every list;
 * the names are few, so the page is cut from the whole listing.
 */
@Path("/api/v1/handlers")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class HandlerResource {
    private final HandlerListing listing;
    private final ApiConfig config;

    public HandlerResource(HandlerListing listing, ApiConfig config) {
        this.listing = listing;
        this.config = config;
    }

    @GET
    public Uni<Page<HandlerView>> list(@Context UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        PageRequest.rejectUnknown(uri.getQueryParameters(), Set.of(), errors);
        PageRequest page = PageRequest.read(uri, config, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return listing.all().map(all -> page.page(all.size(), all.subList(Math.min(page.offset(), all.size()),
                (int) Math.min((long) page.offset() + page.limit(), all.size()))));
    }
}
