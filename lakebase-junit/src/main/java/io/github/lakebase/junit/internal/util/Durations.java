package io.github.lakebase.junit.internal.util;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as the configuration writes them, for messages that name a setting's value.
 *
 * <pre>{@code
 * Durations.text(Duration.ofDays(7));     // "7d"
 * Durations.text(Duration.ofSeconds(90)); // "1m30s"
 * }</pre>
 */
public final class Durations {

    private Durations() {}

    /**
     * {@code d} as the configuration writes it: whole days as {@code 7d}, anything else in hours, minutes
     * and seconds ({@code 30s}, {@code 1h}, {@code 1m30s}).
     *
     * @param d a duration, zero or positive
     * @return its text
     */
    public static String text(Duration d) {
        if (!d.isZero() && d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0) {
            return d.toDays() + "d";
        }
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
