package io.github.lakebase.junit.internal.branching;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The restorable branches a {@link Prefetcher} lent to tests, per base what became of those given back, and the
 * spares held back for them. Before any branch of a base came back, while the base's only branch lent may come back
 * restored in place, that branch can take the place of a spare queued after another, which is therefore forked only
 * once it is needed after all: tests one after another then circulate two branches, and a 1 GB base on ext4 is
 * copied once ahead of them, not twice beside them.
 *
 * <p>Not thread-safe: the prefetcher calls it holding its own lock. What waits for a held spare only hands work
 * to the {@link SpareWorkers}, so releasing one under that lock takes no other lock of the prefetcher.
 *
 * <pre>{@code
 * lending.lend("lbj_k3x9q2a_12", base);
 * CompletableFuture<?> after = lending.after(base, previousFork, workers::holdUntilNeeded);
 * Spare.Lent lent = lending.takeBack("lbj_k3x9q2a_12");   // its test ended and gave it back
 * lending.settled(base, true);                           // restored in place: the spares held back go
 * }</pre>
 */
final class Lending {

    /** Whether branches given back are restored in place; when not, nothing is held back. */
    private final boolean restores;
    /** The restorable branches lent to tests, with their bases. */
    private final Map<String, Spare.Lent> lent = new HashMap<>();
    /** Per base a test has given a branch of back, whether the last one was restored in place. */
    private final Map<String, Boolean> restoredLast = new HashMap<>();
    /** Per base with spares held back, ends when they go. */
    private final Map<String, CompletableFuture<Void>> held = new HashMap<>();
    /** How many branches were lent ahead ({@link #lendAhead}), which numbers them. */
    private long lentAhead;

    /** @param restores whether branches given back are restored in place (else nothing is held back) */
    Lending(boolean restores) {
        this.restores = restores;
    }

    /**
     * Lends {@code name}, a restorable branch of {@code base}, to a test. A second branch of {@code base} lent at the
     * same time lets its spares held back go: its tests do not run one after another.
     */
    void lend(String name, String base) {
        lent.put(name, new Spare.Lent(base, System.nanoTime()));
        if (lentOf(base, 2) > 1) {
            release(base);
        }
    }

    /**
     * Lends a branch of {@code base} ahead, as the first test's branch, forked beside the base's first spare (a cheap
     * fork), will be, so that the spares after it are held back as for that branch; {@link #lendInPlaceOf} says what
     * became of it.
     *
     * @return what stands for the branch until then
     */
    String lendAhead(String base) {
        String ahead = "(being forked) " + base + " " + ++lentAhead;
        lent.put(ahead, new Spare.Lent(base, System.nanoTime()));
        return ahead;
    }

    /**
     * Lends {@code name} of {@code base} in place of {@code ahead} (null: nothing was lent ahead); with no {@code
     * name} (the branch is not restorable, or its fork failed), the spares held back for the branch lent ahead go.
     */
    void lendInPlaceOf(String ahead, String name, String base) {
        lent.remove(ahead);
        if (name != null) {
            lend(name, base);
        } else if (ahead != null) {
            release(base);
        }
    }

    /** Takes {@code name} back from its test, to be restored; null when it was not lent as restorable. */
    Spare.Lent takeBack(String name) {
        return lent.remove(name);
    }

    /**
     * Says that {@code name}, if lent as restorable, will not be given back (it is kept, reset or sealed, or not
     * taken back): the spares held back for its base go.
     */
    void notComingBack(String name) {
        Spare.Lent to = lent.remove(name);
        release(to == null ? null : to.base());
    }

    /** How many branches of {@code base} are lent to tests, {@code most} at most (none when negative). */
    long lentOf(String base, long most) {
        return Spare.Lent.ofBase(lent.values(), base, most);
    }

    /**
     * Whether a branch of {@code base} that a test holds may still come back restored before any other did: branches
     * are restored in place, and no test has given one of {@code base} back yet.
     */
    boolean beforeFirstReturn(String base) {
        return restores && !restoredLast.containsKey(base);
    }

    /** Whether the branch of {@code base} given back last was restored in place; false when none was given back. */
    private boolean lastRestored(String base) {
        return restoredLast.getOrDefault(base, false);
    }

    /**
     * How many of {@code base}'s branches that tests hold count as its spares, as they come back restored: none
     * unless the branch of it given back last was restored in place (a test that changes the schema has its branch
     * forked anew), and {@code depth - 1} at most, so that one spare at least is forked besides.
     */
    long coming(String base, int depth) {
        return lastRestored(base) ? lentOf(base, depth - 1) : 0;
    }

    /** A test gave a branch of {@code base} back, to be restored in place or dropped. */
    void givenBack(String base) {
        restoredLast.putIfAbsent(base, false);
    }

    /** The branch of {@code base} given back last was restored in place, or not: its spares held back go. */
    void settled(String base, boolean restored) {
        restoredLast.put(base, restored);
        release(base);
    }

    /**
     * What a spare of {@code base} forked after another waits for: {@code previous}, and, held back while no branch
     * of {@code base} was given back and one is lent, the end of a pause, which ends when the spare is needed after
     * all (a test waits for one), when the workers stop, or when the spares held back for {@code base} go (above).
     *
     * @param pauses makes the pause ({@link SpareWorkers#holdUntilNeeded}), or null once the workers have stopped
     */
    CompletableFuture<?> after(String base, CompletableFuture<?> previous, Supplier<CompletableFuture<Void>> pauses) {
        CompletableFuture<Void> pause = beforeFirstReturn(base) && lentOf(base, 2) == 1 ? pauses.get() : null;
        if (pause == null) {
            return previous;
        }
        held.computeIfAbsent(base, b -> new CompletableFuture<>())
                .whenComplete((done, failure) -> pause.complete(null));
        return previous.thenCombine(pause, (forked, ended) -> null);
    }

    /** Lets the spares held back for {@code base} go; null for none. */
    void release(String base) {
        CompletableFuture<Void> go = base == null ? null : held.remove(base);
        if (go != null) {
            go.complete(null);
        }
    }
}
