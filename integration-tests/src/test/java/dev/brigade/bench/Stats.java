package dev.brigade.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median and min-max of repeated measurements, as the harness reports every figure. */
record Stats(double median, double min, double max, int runs) {

    static Stats of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.getFirst(), sorted.getLast(), n);
    }

    /** The value at or below which a share {@code p} of the sorted samples lies (nearest rank). */
    static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    String format(String unit) {
        return String.format(Locale.ROOT, "%.1f %s (%.1f–%.1f, n=%d)", median, unit, min, max, runs);
    }
}
