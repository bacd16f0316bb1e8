package io.github.lakebase.junit.internal.cloud;

import io.github.lakebase.junit.internal.util.Durations;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many branches a run holds at once on a cloud service ({@code lakebase.databricks.max-branches},
 * {@code lakebase.neon.max-branches}): a test beyond it waits for another test's branch to be deleted,
 * instead of failing on the project's branch limit. Migrated bases and built parents hold their slot for
 * the whole run, so they may never take the last one: that would leave the tests waiting forever.
 *
 * <pre>{@code
 * BranchSlots slots = new BranchSlots("Neon", "lakebase.neon.max-branches", "lakebase.neon.slot-timeout", 5,
 *         Duration.ofMinutes(15));
 * slots.acquire("lbj_ab12cd3_7_test", Kind.BRANCH);   // waits up to 15 minutes
 * slots.release(Kind.BRANCH);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class BranchSlots {

    private final String service;
    private final String maxBranchesKey;
    private final String slotTimeoutKey;
    private final int size;
    private final Duration timeout;
    private final Semaphore free;
    private int longLived;

    /**
     * @param service the service, for messages ({@code Lakebase}, {@code Neon})
     * @param maxBranchesKey the key that sets {@code size}, for messages
     * @param slotTimeoutKey the key that sets {@code timeout}, for messages
     * @param size how many branches the run may hold at once, at least 1
     * @param timeout how long a branch waits for a slot
     */
    public BranchSlots(String service, String maxBranchesKey, String slotTimeoutKey, int size, Duration timeout) {
        this.service = service;
        this.maxBranchesKey = maxBranchesKey;
        this.slotTimeoutKey = slotTimeoutKey;
        this.size = size;
        this.timeout = timeout;
        this.free = new Semaphore(size, true);
    }

    /**
     * Takes a slot for a branch of {@code kind}, waiting for one up to the timeout.
     *
     * @throws ProviderException when none became free in time, or (a configuration error) when a base or
     *     parent would take the last slot
     */
    public void acquire(String id, Kind kind) {
        if (kind != Kind.BRANCH) {
            synchronized (this) {
                if (longLived + 1 >= size) {
                    throw ProviderException.configuration(maxBranchesKey + "=" + size
                            + " leaves "
                            + "no branch for the tests: this run needs " + (longLived + 1) + " long-lived branches "
                            + "(a migrated base per distinct parent and migrations, and the parents it builds) besides "
                            + "them. Raise " + maxBranchesKey + ".");
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
                    service + ": no branch became free within " + Durations.text(timeout)
                            + " for " + id + ": all " + size + " branches of " + maxBranchesKey
                            + " are held by this run. Raise " + maxBranchesKey + " or "
                            + slotTimeoutKey + ", or run fewer tests at once.",
                    null);
        }
    }

    /** Gives back the slot of a branch of {@code kind} that is gone (or handed over to the user). */
    public void release(Kind kind) {
        forget(kind);
        free.release();
    }

    private synchronized void forget(Kind kind) {
        if (kind != Kind.BRANCH) {
            longLived--;
        }
    }
}
