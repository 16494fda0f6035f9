package dev.brigade.api.paging;

import java.util.List;

/** The shape of every list: how many match in all, links to the neighbour pages, this page. */
public record Page<T>(long count, String next, String previous, List<T> results) {
}
