package io.github.lakebase.junit.internal.util;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The longest expiry a service accepts, found by asking: a service may cap how long a resource lives
 * without saying by how much, and refuses an expiry beyond the cap. Halves the wanted duration until one is
 * accepted, then closes in on the cap between the longest accepted and the shortest refused.
 *
 * <pre>{@code
 * Optional<Duration> kept = Expiries.longestAccepted(Duration.ofDays(7), Duration.ofHours(1),
 *         d -> service.trySetExpiry(branch, now.plus(d)));
 * }</pre>
 */
public final class Expiries {

    /** How many more durations to try between the longest accepted and the shortest refused. */
    private static final int BISECTIONS = 5;

    private Expiries() {}

    /**
     * The longest duration up to {@code wanted}, and longer than {@code floor}, that {@code accept} takes;
     * the last duration {@code accept} took is in force.
     *
     * @param wanted the duration asked for first
     * @param floor durations no longer than this are not tried
     * @param accept sets the expiry to a duration from now, and says whether the service accepted it
     * @return the longest accepted duration, or empty when none longer than {@code floor} was
     */
    public static Optional<Duration> longestAccepted(Duration wanted, Duration floor, Predicate<Duration> accept) {
        Duration refused = null;
        Duration accepted = null;
        Duration next = wanted;
        while (accepted == null && next.compareTo(floor) > 0) {
            if (accept.test(next)) {
                accepted = next;
            } else {
                refused = next;
                next = next.dividedBy(2);
            }
        }
        if (accepted == null) {
            return Optional.empty();
        }
        for (int i = 0; refused != null && i < BISECTIONS; i++) {
            Duration middle = accepted.plus(refused).dividedBy(2);
            if (accept.test(middle)) {
                accepted = middle;
            } else {
                refused = middle;
            }
        }
        return Optional.of(accepted);
    }
}
