package io.github.lakebase.junit.spi.cloud;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * The longest expiry a service accepts, found by asking: a service may cap how long a branch lives without
 * saying by how much, and refuse an expiry beyond the cap. A provider whose branches expire gives a kept
 * branch {@code lakebase.kept-ttl} ({@link io.github.lakebase.junit.spi.ProviderContext#keptTtl}), capped by
 * what the service allows; this finds that cap. It halves the wanted duration until one is accepted, then
 * closes in on the cap between the longest accepted and the shortest refused, in at most five more tries. And how
 * often a run's heartbeat extends the expiry of its branches ({@link #heartbeatInterval}).
 *
 * <pre>{@code
 * Instant now = Instant.now();
 * Optional<Duration> kept = Expiries.longestAccepted(Duration.ofDays(7), Duration.ofHours(1),
 *         d -> service.trySetExpiry(branch, now.plus(d)));   // false when the service refuses d
 * }</pre>
 *
 * <p>Stateless and thread-safe; {@code accept} is called on the calling thread, one duration at a time.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Expiries {

    /** How many more durations to try between the longest accepted and the shortest refused. */
    private static final int BISECTIONS = 5;

    private Expiries() {}

    /**
     * How often a run's heartbeat extends the expiry of its branches: a quarter of the expiry each beat gives, so
     * that three missed beats still leave a live branch alive, and at most {@code most}. For example, of an expiry of
     * one hour and at most two minutes: two minutes; of ten seconds: 2.5 seconds.
     *
     * @param ttl the expiry each beat gives a branch, from now; positive
     * @param most the longest interval, positive: how often other runs' sweeps expect a live run to update its
     *     branches
     * @return the interval between two beats, positive, at most {@code most}
     */
    public static Duration heartbeatInterval(Duration ttl, Duration most) {
        Duration quarter = ttl.dividedBy(4);
        return quarter.compareTo(most) > 0 ? most : quarter;
    }

    /**
     * The longest duration up to {@code wanted}, and longer than {@code floor}, that {@code accept} takes;
     * the last duration {@code accept} took is in force.
     *
     * @param wanted the duration asked for first, positive (a kept branch's {@code lakebase.kept-ttl})
     * @param floor durations no longer than this are not tried (the expiry the branch has anyway), zero or
     *     positive
     * @param accept sets the expiry to a duration from now, and says whether the service accepted it; it
     *     throws nothing for a refusal, and whatever it throws otherwise ends the search and is thrown here
     * @return the longest accepted duration, at most {@code wanted}; empty when none longer than {@code floor}
     *     was accepted
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
