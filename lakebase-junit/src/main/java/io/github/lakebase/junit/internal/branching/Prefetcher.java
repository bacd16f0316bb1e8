package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RenamableSpares;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches forked ahead of the tests that will take them ({@code lakebase.prefetch}), so that a test
 * whose predecessor ran longer than a fork finds its branch ready instead of waiting for one.
 *
 * <p>Spares are forked by {@value SpareWorkers#AT_ONCE} background threads ({@link SpareWorkers}), so that
 * tests faster than a fork get branches at the rate of two forks where the server has the cores for it, only
 * from sealed bases (which never change, so a spare is exactly what a fork on demand would be), at most {@code
 * depth} per base and {@link #LIMIT_PER_DEPTH} times that in all: beyond it the spares of the base used longest
 * ago make room. Nor is one forked while the provider has no room for it ({@link RenamableSpares#noRoomForSpare}:
 * the embedded server's disk); the test that would have taken it forks on demand. A base's first spare is forked
 * after its first test's branch, or beside it where that fork is cheap ({@link RenamableSpares#forksCheaply}). Spares
 * carry the run's name prefix and run id, so a sweep drops them when the run is killed; the run drops them as it ends.
 *
 * <p>With {@code lakebase.restore-in-place}, a spare's state is noted once it is forked ({@link
 * RestorableBranches#track}), and the branch a test ends with comes back as a spare of its base ({@link #giveBack}):
 * restored in place, with its pool's connections kept open for the next test where the provider can, or, when its
 * test changed more than rows, dropped and forked again. While the last of a base's branches given back was restored
 * in place, those that tests hold count as its {@code depth} spares, one spare at least besides, and a spare whose
 * fork has not started when enough are there is not forked. A spare may wait for a branch lent to come back in its
 * place ({@link Lending}). A branch given back joins its base's spares even beyond {@code depth} (within the limit).
 * Given a way to make pools, a new spare is connected ahead as well: its pool opens a session in the background, and
 * the test that takes it gets it under its own name. Otherwise a new spare holds no connection, and takes the name
 * of its test.
 *
 * <pre>{@code
 * Prefetcher.Forked branch = prefetcher.take(base, 2, "deletes_everything");
 * // ... the test ends ...
 * prefetcher.giveBack(branch.name());
 * }</pre>
 */
final class Prefetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Prefetcher.class);
    /** How many spares may exist in all, as a multiple of the depth: a few bases' worth. */
    static final int LIMIT_PER_DEPTH = 4;
    /** What a spare forked at once waits for. */
    private static final CompletableFuture<?> DONE = CompletableFuture.completedFuture(null);

    private final BranchProvider provider;
    private final SpareMaker maker;
    /** Restores branches in place; null when that is off. */
    private final Restoring restoring;
    /** Branches given back and not yet restored or forked again. */
    private final Set<CompletableFuture<Spare.Ready>> givenBack = ConcurrentHashMap.newKeySet();
    /** The restorable branches lent to tests, what became of those given back; guarded by {@code this}. */
    private final Lending lending;
    /** Per base, the last spare forked one after the other, once one was; guarded by {@code this}. */
    private final Map<String, CompletableFuture<?>> lastFork = new HashMap<>();
    /** Per base, the depth its tests asked for last; guarded by {@code this}. */
    private final Map<String, Integer> depths = new LinkedHashMap<>();
    /** The run's names, for spares and the tests that claim them. */
    private final BranchNames names;
    /** Spares per base, the base used longest ago first; guarded by {@code this}. */
    private final Map<String, Deque<Spare>> spares = new LinkedHashMap<>(16, 0.75f, true);
    /** The threads that fork and restore spares in the background. */
    private final SpareWorkers workers;
    /** How many spares there are, ready or being made, of all bases; guarded by {@code this}. */
    private int count;
    /** Completes when a spare is added to a queue, then is replaced; guarded by {@code this}. */
    private CompletableFuture<Void> queued = new CompletableFuture<>();
    /** Whether it stops forking; guarded by {@code this}. */
    private boolean closed;

    /**
     * @param provider where spares are forked
     * @param names the run's names, for spares and the tests that claim them
     * @param restoreInPlace whether branches that tests end with are restored in place, where the provider can;
     *     empty for the default, yes where it can
     * @param pools makes the pool of a spare (its name, how to connect to it), which connects to it ahead of its
     *     test where branches are restored in place; null to connect none ahead
     * @param workers the threads that fork and restore spares in the background
     */
    Prefetcher(
            BranchProvider provider,
            BranchNames names,
            Optional<Boolean> restoreInPlace,
            BiFunction<String, BranchConnection, BranchPool> pools,
            SpareWorkers workers) {
        this.provider = provider;
        this.workers = workers;
        this.names = names;
        this.restoring = Restoring.of(provider, provider instanceof RenamableSpares n ? n : null, restoreInPlace);
        this.maker = new SpareMaker(provider, names, restoring, pools);
        this.lending = new Lending(restoring != null);
    }

    /**
     * A branch handed to a test: its name, how to connect to it, whether it comes back ({@link #giveBack})
     * when its test ends, and the pool an earlier test left connected to it, or null.
     */
    record Forked(String name, BranchConnection connection, boolean restorable, BranchPool pool) {}

    /**
     * A new branch of the sealed base {@code base}: a spare when one is ready or being forked, else a
     * fork made now (beside which a cheap base's first spare is forked). Then tops the spares of {@code base} up to
     * {@code depth} in the background.
     *
     * @param base a sealed base of this run, which never changes
     * @param depth how many spares of {@code base} to keep ready; 0 for none
     * @param hint what the branch is for, part of its name
     */
    Forked take(String base, int depth, String hint) {
        synchronized (this) {
            depths.put(base, depth);
        }
        Forked forked = obtain(base, hint, depth);
        // Only now (but for a cheap first spare): a fork in the background would compete with this test's own.
        if (depth > 0) {
            topUp(base, depth, false);
        }
        return forked;
    }

    private Forked obtain(String base, String hint, int depth) {
        long start = System.nanoTime();
        Spare spare = next(base);
        if (spare != null) {
            try {
                Forked forked = lent(maker.claim(spare, spare.forked().join(), hint), base, null);
                LOG.debug(
                        "Branch {} is a spare ({} ms since the test asked)",
                        forked.name(),
                        (System.nanoTime() - start) / 1_000_000);
                return forked;
            } catch (ProviderException e) {
                LOG.debug("The spare {} cannot be used ({}); forking a branch instead", spare.name(), e.getMessage());
                maker.drop(spare);
            }
        }
        Optional<Forked> kept = maker.kept(base, hint); // an earlier run's spare, renamed: no fork to hide behind
        if (kept.isPresent()) {
            return kept.get(); // not restorable, so not lent
        }
        String ahead = null;
        Forked forked = null;
        try {
            if (depth > 0 && maker.forksCheaply(base)) { // its first spare forks beside this branch, lent ahead of it
                synchronized (this) {
                    ahead = lending.lendAhead(base);
                }
                topUp(base, depth, true);
            }
            forked = maker.onDemand(base, hint, depth > 0 && ahead == null); // a spare beside reads the base instead
            return forked;
        } finally {
            lent(forked, base, ahead);
        }
    }

    /** Lends {@code forked} (null: none), if restorable, in place of the branch lent ahead of it ({@link Lending}). */
    private synchronized Forked lent(Forked forked, String base, String ahead) {
        lending.lendInPlaceOf(ahead, forked != null && forked.restorable() ? forked.name() : null, base);
        return forked;
    }

    /**
     * The first spare of {@code base} that is ready, else the first to be ready of those being forked or restored
     * (the first asked for may be the one that reads the base for restores), or added meanwhile; null when it has
     * none. Spares that could not be made (no room on the disk, a failed fork) leave the queue on the way: they
     * hold no database.
     *
     * @throws ProviderException when interrupted while waiting
     */
    private Spare next(String base) {
        while (true) {
            List<CompletableFuture<?>> making = new ArrayList<>();
            synchronized (this) {
                Deque<Spare> queue = spares.getOrDefault(base, new ArrayDeque<>());
                for (Iterator<Spare> i = queue.iterator(); i.hasNext(); ) {
                    Spare spare = i.next();
                    if (spare.forked().isDone()) {
                        i.remove();
                        count--;
                        if (!spare.forked().isCompletedExceptionally()) {
                            return spare;
                        }
                    } else {
                        making.add(spare.forked());
                    }
                }
                if (making.isEmpty()) {
                    return null;
                }
                making.add(queued);
            }
            workers.hurry();
            Spare.awaitAny(making, base); // a second at most: the queue may have been emptied at close
        }
    }

    /** Adds {@code spare} to the spares of its base, and wakes the tests waiting for one; guarded by {@code this}. */
    private void enqueue(Spare spare) {
        spares.computeIfAbsent(spare.base(), b -> new ArrayDeque<>()).addLast(spare);
        count++;
        queued.complete(null);
        queued = new CompletableFuture<>();
    }

    /** {@link #giveBack(String, BranchPool)} without a pool: the branch's sessions have ended. */
    boolean giveBack(String name) {
        return giveBack(name, null);
    }

    /**
     * Takes back {@code name}, a branch that {@link #take} lent as restorable and whose test has ended: it
     * becomes a spare of its base once restored in place, in the background, or forked anew when its test
     * changed more than rows. Restored with {@code pool}'s connections open where it can be, it keeps its name
     * and pool for the test that takes it; else the pool ends.
     *
     * @param pool the pool its test left, no connection of it in use; null for none
     * @return false when it is not taken back (it was not lent as restorable, this is closing, or there are
     *     spares enough): the caller ends the pool and drops the branch
     */
    boolean giveBack(String name, BranchPool pool) {
        Spare spare;
        CompletableFuture<Void> held;
        synchronized (this) {
            Spare.Lent to = lending.takeBack(name); // taken back, or dropped by the caller
            String base = to == null ? null : to.base();
            if (base == null || closed || count >= Math.max(depths.getOrDefault(base, 0), 1) * LIMIT_PER_DEPTH) {
                lending.release(base);
                return false;
            }
            lending.givenBack(base);
            spare = new Spare(base, provider.normalizeName(names.branch("")), new CompletableFuture<>());
            enqueue(spare);
            // A slow test's branch, another spare ready: its restore keeps off the cores while the next test starts.
            held = workers.slow(to) && spares.get(base).stream().anyMatch(Spare::ready) ? workers.hold() : null;
        }
        givenBack.add(spare.forked());
        spare.forked().whenComplete((ready, failure) -> givenBack.remove(spare.forked()));
        workers.start(spare, held, () -> recycle(name, pool, spare), () -> maker.discard(name, pool));
        return true;
    }

    /** Says that {@code name}, if lent as restorable, will not be given back: it is kept, reset or sealed. */
    synchronized void notComingBack(String name) {
        lending.notComingBack(name);
    }

    /** Waits until every branch given back so far has been restored or forked again. */
    void awaitGivenBack() {
        workers.hurry();
        CompletableFuture.allOf(givenBack.toArray(CompletableFuture[]::new))
                .exceptionally(failure -> null)
                .join();
    }

    private void recycle(String name, BranchPool pool, Spare spare) {
        synchronized (this) {
            if (closed) {
                spare.forked().cancel(false);
                maker.discard(name, pool);
                return;
            }
        }
        boolean restored = false;
        try {
            restored = maker.restore(name, pool, spare);
        } finally {
            synchronized (this) {
                lending.settled(spare.base(), restored);
            }
        }
        if (!restored) {
            fork(spare, new CompletableFuture<>());
        }
    }

    /** Queues spares of {@code base} up to {@code depth}; with {@code now}, the first forks at once, unpaused. */
    private synchronized void topUp(String base, int depth, boolean now) {
        if (closed) {
            return;
        }
        Deque<Spare> queue = spares.computeIfAbsent(base, b -> new ArrayDeque<>());
        int limit = depth * LIMIT_PER_DEPTH;
        // A base's spares are forked one after the other until a test gives a branch of it back (with restores off:
        // its first spares only), each ready as soon as one fork allows; later ones two at a time (two copies of a 1 GB
        // base at once took five times one's time). The first waits for the workers' pause (unless forked beside a
        // cheap fork on demand), so that the test that asked starts before a copy loads the cores; the next may wait
        // for the branch lent to come back (Lending).
        boolean oneAtATime = !lastFork.containsKey(base) || lending.beforeFirstReturn(base);
        CompletableFuture<?> after = !lastFork.containsKey(base) ? null : oneAtATime ? lastFork.get(base) : DONE;
        boolean chained = false; // whether after is the fork of a spare queued just now
        while (Spare.live(queue, null) + lending.coming(base, depth) < depth && (count < limit || evictForeign(base))) {
            if (after == null) {
                after = now ? DONE : java.util.Objects.requireNonNullElse(workers.hold(), DONE);
            } else if (chained) {
                after = lending.after(base, after, workers::holdUntilNeeded);
            }
            String name = provider.normalizeName(names.branch(""));
            Spare spare = new Spare(base, name, new CompletableFuture<>());
            enqueue(spare);
            CompletableFuture<Void> created = workers.forkAfter(after, spare, c -> fork(spare, c));
            if (oneAtATime) {
                after = created;
                chained = true;
                lastFork.put(base, created);
            }
        }
    }

    /** Drops a ready spare of the base used longest ago, other than {@code base}, to make room. */
    private boolean evictForeign(String base) {
        Optional<Spare> evicted = Spare.removeDoneOfAnother(spares, base);
        evicted.ifPresent(spare -> {
            count--;
            workers.execute(() -> maker.drop(spare));
        });
        return evicted.isPresent();
    }

    /** Forks {@code spare}; completes {@code created} once its database exists, or will not, before it is noted. */
    private void fork(Spare spare, CompletableFuture<Void> created) {
        synchronized (this) {
            Deque<Spare> queue = queueOf(spare.base());
            int depth = Math.max(depths.getOrDefault(spare.base(), 0), 1);
            // Not needed when enough others, one at least, are ready, being made, or will come back.
            if (closed
                    || Spare.live(queue, spare) + lending.coming(spare.base(), depth) >= depth && queue.remove(spare)) {
                count -= closed ? 0 : 1;
                spare.forked().cancel(false);
                created.complete(null);
                return;
            }
        }
        maker.forkAndSettle(spare, created);
    }

    /** The spares of {@code base}, found without making it the base used last; guarded by {@code this}. */
    private Deque<Spare> queueOf(String base) {
        return spares.entrySet().stream()
                .filter(e -> e.getKey().equals(base))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseGet(ArrayDeque::new);
    }

    /** How many spares of {@code base} are ready to be taken; looks without making it the base used last. */
    synchronized long ready(String base) {
        return queueOf(base).stream().filter(Spare::ready).count();
    }

    /** The restores of branches in place; null when that is off. */
    Restoring restoring() {
        return restoring;
    }

    /** How many spares exist or are being forked now, for all bases. */
    synchronized int count() {
        return count;
    }

    /** Stops forking, waits for a fork under way, and returns the spares no test took, for the caller to drop. */
    Map<String, Spare.Left> stop() {
        List<Spare> left = new ArrayList<>();
        synchronized (this) {
            closed = true;
            spares.values().forEach(left::addAll);
            spares.clear();
            count = 0;
        }
        workers.stop();
        return Spare.endAll(left);
    }

    /**
     * Stops forking and drops every spare no test took, one after the other.
     *
     * @throws ProviderException at the first spare that cannot be dropped (the server is gone, say): a
     *     later run's sweep removes what is left
     */
    @Override
    public void close() {
        stop().keySet().forEach(provider::delete);
    }
}
