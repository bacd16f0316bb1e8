package io.github.lakebase.junit.internal.server;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the server's disk has room for one more spare of a base, and whether a copy of it is cheap ({@link
 * #cheapToFork}). There is room while twice the base's size and {@value #RESERVE_MB} MB stay free, so that forking
 * ahead never fills the disk a test needs. On a server whose free space cannot be read (a remote one) there is always
 * room. Two spares forked at the same time may both pass the check before either takes its space: then one base's
 * size is left beside the reserve instead of two, and the reserve itself still stays free.
 *
 * <pre>{@code
 * Optional<String> why = policy.noRoomFor("lbj_k3x9q2a_base_1");   // empty: fork the spare
 * }</pre>
 */
final class SpareDiskPolicy {

    /** The free space, beyond twice a base's size, below which no spare of it is forked, in MB. */
    static final long RESERVE_MB = 256;

    /** The largest base whose copy is cheap ({@link #cheapToFork}), in MB. */
    static final long CHEAP_FORK_MB = 256;

    private static final long MB = 1024L * 1024;

    private final PostgresServer server;
    private final AdminSql admin;
    /** The size of each sealed base spares were forked from: a base never changes. */
    private final Map<String, Long> baseSizes = new ConcurrentHashMap<>();

    SpareDiskPolicy(PostgresServer server, AdminSql admin) {
        this.server = server;
        this.admin = admin;
    }

    /** Why no spare of {@code base} should be forked now, or empty when one may be. */
    Optional<String> noRoomFor(String base) {
        OptionalLong free = server.freeDiskBytes();
        if (free.isEmpty()) {
            return Optional.empty();
        }
        long size = size(base);
        long needed = 2 * size + RESERVE_MB * MB;
        if (free.getAsLong() >= needed) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "%s has %,d MB free, and a spare of %s needs %,d MB (twice the base's %,d MB, and %d MB)",
                server.describe(),
                free.getAsLong() / MB,
                base,
                needed / MB,
                size / MB,
                RESERVE_MB));
    }

    /**
     * Whether a copy of {@code base} is cheap enough to run beside another: the base is at most {@value
     * #CHEAP_FORK_MB} MB. Its first spare is then forked beside its first test's branch. Measured on a 2-core machine
     * with the benchmark's 100 MB base and tests of 94-129 ms, three interleaved runs of 10 tests each on ext4, XFS and
     * ext4 without a journal: the second test's wait for its branch was 7-22 ms, against 7-72 ms with the spare
     * forked after the first test's branch, which took 56-217 ms to fork, against 46-208 ms. Two copies of a 1 GB
     * base at once on a journaled ext4 made the first test's fork take 35% longer (420 against 310 ms) and saved the
     * second test nothing.
     */
    boolean cheapToFork(String base) {
        return size(base) <= CHEAP_FORK_MB * MB;
    }

    /** The size of the sealed base {@code base} in bytes ({@code pg_database_size}), read once. */
    long size(String base) {
        return baseSizes.computeIfAbsent(
                base,
                name -> Long.parseLong(admin.query("SELECT pg_database_size(?::name)::text", name)
                        .get(0)));
    }
}
