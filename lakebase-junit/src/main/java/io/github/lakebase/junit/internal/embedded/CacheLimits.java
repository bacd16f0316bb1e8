package io.github.lakebase.junit.internal.embedded;

import java.time.Duration;

/**
 * How much the embedded server's cache keeps: what no JVM has used for {@code maxAge} is deleted at the
 * next start, and so is what no JVM uses, least recently used first, while the cache holds more than
 * {@code maxBytes}.
 *
 * <pre>{@code
 * CacheLimits limits = new CacheLimits(Duration.ofDays(30), 10L << 30);
 * }</pre>
 *
 * @param maxAge how long an unused binaries version or data directory is kept
 * @param maxBytes how large the cache may grow before unused parts of it are deleted
 */
public record CacheLimits(Duration maxAge, long maxBytes) {

    /** 30 days and 10 GiB. */
    public static final CacheLimits DEFAULT = new CacheLimits(Duration.ofDays(30), 10L << 30);
}
