package dev.brigade.worker.janitor;


import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Reads brigade.retention: an ISO-8601 duration (P30D) or a short one (30D, 12H); 0 or off: none. */
final class Retention {
    private Retention() {
    }

    static Optional<Duration> parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("0") || v.equals("OFF") || v.equals("NONE")) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.parse(v.startsWith("P") ? v : v.endsWith("D") ? "P" + v : "PT" + v);
            return d.isZero() || d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("brigade.retention must be a duration such as 30D or P30D, or off: " + value);
        }
    }

}
