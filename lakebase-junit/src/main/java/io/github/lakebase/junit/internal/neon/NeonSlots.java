package io.github.lakebase.junit.internal.neon;

import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many branches the run holds at once ({@code lakebase.neon.max-branches}): a test beyond it
 * waits for another test's branch to be deleted, instead of failing on the project's branch limit.
 * Migrated bases and built parents hold their slot for the whole run, so they may never take the last
 * one: that would leave the tests waiting forever.
 */
final class NeonSlots {

    private final int size;
    private final Duration timeout;
    private final Semaphore free;
    private int longLived;

    NeonSlots(int size, Duration timeout) {
        this.size = size;
        this.timeout = timeout;
        this.free = new Semaphore(size, true);
    }

    /** Takes a slot for a branch of {@code kind}, waiting for one up to the timeout. */
    void acquire(String id, Kind kind) {
        if (kind != Kind.BRANCH) {
            synchronized (this) {
                if (longLived + 1 >= size) {
                    throw ProviderException.configuration(NeonProviderFactory.MAX_BRANCHES + "=" + size
                            + " leaves "
                            + "no branch for the tests: this run needs " + (longLived + 1) + " long-lived branches "
                            + "(a migrated base per distinct parent and migrations, and the parents it builds) besides "
                            + "them. Raise " + NeonProviderFactory.MAX_BRANCHES + ".");
                }
                longLived++;
            }
        }
        boolean acquired = false;
        try {
            acquired = free.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!acquired) {
            forget(kind);
            if (Thread.currentThread().isInterrupted()) {
                throw new ProviderException("Interrupted while waiting for a free branch for " + id, null);
            }
            throw new ProviderException(
                    "Neon: no branch became free within " + NeonSettings.text(timeout)
                            + " for " + id + ": all " + size + " branches of " + NeonProviderFactory.MAX_BRANCHES
                            + " are held by this run. Raise " + NeonProviderFactory.MAX_BRANCHES + " or "
                            + NeonProviderFactory.SLOT_TIMEOUT + ", or run fewer tests at once.",
                    null);
        }
    }

    /** Gives back the slot of a branch of {@code kind} that is gone (or handed over to the user). */
    void release(Kind kind) {
        forget(kind);
        free.release();
    }

    private synchronized void forget(Kind kind) {
        if (kind != Kind.BRANCH) {
            longLived--;
        }
    }
}
