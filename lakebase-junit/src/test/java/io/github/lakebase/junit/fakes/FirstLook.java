package io.github.lakebase.junit.fakes;

import java.time.Duration;
import java.time.Instant;

/**
 * A fault of a fake service that lasts for a while from the client's first look, such as an endpoint that
 * has no host yet, or a role that refuses logins while it propagates. Timed from the first look rather than
 * from the event the service would time it from (an operation's end), so that a client slowed down by a busy
 * machine still meets the fault once: a test that counts on the fault then holds on any machine.
 *
 * <pre>{@code
 * FirstLook propagating = new FirstLook(Duration.ofMillis(800));
 * if (propagating.lasting()) {
 *     return "External authorization failed";
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FirstLook {

    private final Duration length;
    private Instant end;

    /** @param length how long the fault lasts from the first look; zero for none */
    public FirstLook(Duration length) {
        this.length = length;
    }

    /** Whether the fault lasts at this look; the first look starts it. */
    public synchronized boolean lasting() {
        if (length.isZero()) {
            return false;
        }
        Instant now = Instant.now();
        if (end == null) {
            end = now.plus(length);
        }
        return now.isBefore(end);
    }
}
