package io.github.lakebase.junit.internal.branching;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Per base, the spares held back until the first of its branches lent to a test comes back (restored in place or
 * not) or will not. Restored, that branch takes a held spare's place and the spare is never forked: tests one after
 * another circulate two branches, and a 1 GB base on ext4 is copied once ahead of them, not twice, while they run.
 *
 * <pre>{@code
 * CompletableFuture<?> after = firstReturns.after(base, previousFork, workers.holdUntilNeeded());
 * firstReturns.cameBack(base); // a branch of base came back: the spares held for it go
 * }</pre>
 */
final class FirstReturns {

    /** Per base with spares held back, ends when one of its branches comes back; guarded by {@code this}. */
    private final Map<String, CompletableFuture<Void>> waiting = new HashMap<>();

    /**
     * What a spare of {@code base} waits for: {@code previous}, and then a branch of {@code base} back or the end of
     * {@code pause}.
     *
     * @param pause ends when the spare is needed all the same (a test waits for one); null to hold nothing back
     */
    synchronized CompletableFuture<?> after(String base, CompletableFuture<?> previous, CompletableFuture<Void> pause) {
        if (pause == null) {
            return previous;
        }
        CompletableFuture<Void> back = waiting.computeIfAbsent(base, b -> new CompletableFuture<>());
        return previous.thenCombine(CompletableFuture.anyOf(back, pause), (forked, ended) -> null);
    }

    /** Lets the spares held back for {@code base} go: a branch of it came back, or will not. Null for none. */
    void cameBack(String base) {
        CompletableFuture<Void> back;
        synchronized (this) {
            back = base == null ? null : waiting.remove(base);
        }
        if (back != null) {
            back.complete(null);
        }
    }
}
