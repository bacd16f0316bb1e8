package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A branch of a sealed base that the {@link Prefetcher} makes ready for a later test: forked ahead, or given
 * back by a test and restored in place.
 *
 * @param base the base it is a branch of
 * @param name the name it is forked under, or that a branch given back is renamed to
 * @param forked completes when it is ready; exceptionally when it could not be made
 */
record Spare(String base, String name, CompletableFuture<Ready> forked) {

    /**
     * A spare ready for a test.
     *
     * @param name its name: {@link Spare#name()}, or the name a branch restored with its connections kept
     * @param connection how to connect to it
     * @param tracked whether its state was noted, so that it can be restored again
     * @param pool the pool whose connections it kept, or that connects to it ahead; null for none
     * @param recorded whether it is recorded as a test's branch already (one restored with its connections is, and
     *     so is one forked ahead to be connected ahead; one forked ahead to be renamed is still a spare)
     */
    record Ready(String name, BranchConnection connection, boolean tracked, BranchPool pool, boolean recorded) {

        /** A spare not recorded as a test's branch. */
        Ready(String name, BranchConnection connection, boolean tracked, BranchPool pool) {
            this(name, connection, tracked, pool, false);
        }
    }

    /**
     * A branch lent to a test.
     *
     * @param base the base it was forked from
     * @param since when it was lent, in {@link System#nanoTime()}
     */
    record Lent(String base, long since) {

        /** How many of {@code lent} are branches of {@code base}, {@code most} at most (none when negative). */
        static long ofBase(Collection<Lent> lent, String base, long most) {
            return Math.max(
                    0,
                    Math.min(
                            most,
                            lent.stream().filter(l -> l.base().equals(base)).count()));
        }
    }

    /**
     * Waits until one of {@code making} settles, a second at most: what it became, the caller's queue tells.
     *
     * @throws ProviderException when interrupted while waiting for a branch of {@code base}
     */
    static void awaitAny(List<CompletableFuture<?>> making, String base) {
        try {
            CompletableFuture.anyOf(making.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            // settled or still under way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while waiting for a branch of " + base, e);
        }
    }

    /** How many of {@code spares} other than {@code except} are ready, or being made: none that could not be made. */
    static long live(Collection<Spare> spares, Spare except) {
        return spares.stream()
                .filter(s -> s != except && !s.forked().isCompletedExceptionally())
                .count();
    }

    /**
     * Removes from {@code spares} (per base, in the order to look at them) the first that is made, or could not be,
     * of a base other than {@code base}.
     *
     * @return the spare removed; empty when there is none
     */
    static Optional<Spare> removeDoneOfAnother(Map<String, ? extends Collection<Spare>> spares, String base) {
        for (Map.Entry<String, ? extends Collection<Spare>> entry : spares.entrySet()) {
            if (entry.getKey().equals(base)) {
                continue;
            }
            for (Spare spare : entry.getValue()) {
                if (spare.forked().isDone()) {
                    entry.getValue().remove(spare);
                    return Optional.of(spare);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether it has been made, and can be taken. */
    boolean ready() {
        return forked.isDone() && !forked.isCompletedExceptionally();
    }

    /**
     * Runs {@code work} for this spare, after which it is settled even if the work ended abnormally (an
     * {@link Error} such as running out of memory): a test waiting for it must fork its own, never wait for
     * good.
     */
    void settle(Runnable work) {
        try {
            work.run();
        } finally {
            if (!forked.isDone()) {
                forked.completeExceptionally(new IllegalStateException("The spare " + name + " was not made"));
            }
        }
    }

    /**
     * A spare no test will take.
     *
     * @param base the base it is a branch of
     * @param tracked whether its state was noted for restores: it may have been lent to a test and restored since
     */
    record Left(String base, boolean tracked) {}

    /**
     * {@link #end} of each of {@code spares}.
     *
     * @return the name of the database of each one made, to drop, in the order of {@code spares}
     */
    static Map<String, Left> endAll(List<Spare> spares) {
        Map<String, Left> ended = new LinkedHashMap<>();
        for (Spare spare : spares) {
            String name = spare.end();
            if (name != null) {
                ended.put(name, new Left(spare.base(), spare.forked().join().tracked()));
            }
        }
        return ended;
    }

    /**
     * Ends the pool of a spare restored with its connections or connected ahead, for a spare no test will take.
     *
     * @return the name of its database, to drop; null when it was not made
     */
    String end() {
        if (forked.isCompletedExceptionally() || !forked.isDone()) {
            return null;
        }
        Ready ready = forked.join();
        if (ready.pool() != null) {
            ready.pool().end();
        }
        return ready.name();
    }
}
