package io.github.lakebase.junit.spi.cloud;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * How many branches a run holds at once on a cloud service whose project limits its branches (the in-tree
 * providers' {@code lakebase.databricks.max-branches} and {@code lakebase.neon.max-branches}): a test beyond
 * it waits for another test's branch to be deleted, instead of failing on the project's branch limit.
 * Migrated bases and built parents ({@link Kind#BASE}, {@link Kind#PARENT}) hold their slot for the whole
 * run, so they may never take the last one: that would leave the tests waiting forever.
 *
 * <p>A provider takes a slot in {@link io.github.lakebase.junit.spi.BranchProvider#create} before it asks the
 * service for a branch, and gives it back when the branch is deleted, when a kept branch is handed over to
 * the user, or when the creation fails:
 *
 * <pre>{@code
 * BranchSlots slots = new BranchSlots("Neon", "lakebase.neon.max-branches", "lakebase.neon.slot-timeout", 5,
 *         Duration.ofMinutes(15));
 * slots.acquire("lbj_ab12cd3_7_test", Kind.BRANCH);   // waits up to 15 minutes
 * try {
 *     // create the branch
 * } catch (RuntimeException e) {
 *     slots.release(Kind.BRANCH);
 *     throw e;
 * }
 * // ... and when the branch is deleted or kept:
 * slots.release(Kind.BRANCH);
 * }</pre>
 *
 * <p>Thread-safe: tests running in parallel take and give back slots from their own threads; waiters are
 * served first come, first served. A wait ends early, with a {@link ProviderException}, when the waiting
 * thread is interrupted (its interrupt flag stays set).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BranchSlots {

    private final String service;
    private final String maxBranchesKey;
    private final String slotTimeoutKey;
    private final int size;
    private final Duration timeout;
    private final Semaphore free;
    private int longLived;

    /** Whether this thread's acquires take a free slot or fail at once ({@link #withoutWaiting}). */
    private static final ThreadLocal<Boolean> NOT_WAITING = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code work} with every {@link #acquire} of this thread, on any provider's slots, taking a free slot or
     * failing at once instead of waiting: for branches that are worth making only when one is free, such as the
     * throwaway branches of the run report's review of a base, read at the end of a run, where slots that spares or
     * other runs hold may not come back before the run would stop waiting.
     *
     * <pre>{@code
     * BranchConnection review = BranchSlots.withoutWaiting(() -> provider.create(request));
     * }</pre>
     *
     * @param work what creates the branches
     * @param <T> what {@code work} returns
     * @return what {@code work} returns
     * @throws ProviderException from {@link #acquire} when no slot is free, and whatever {@code work} throws
     */
    public static <T> T withoutWaiting(Supplier<T> work) {
        boolean outer = NOT_WAITING.get();
        NOT_WAITING.set(true);
        try {
            return work.get();
        } finally {
            NOT_WAITING.set(outer);
        }
    }

    /**
     * Slots for a run that holds at most {@code size} branches at once.
     *
     * @param service the service, for messages ({@code Lakebase}, {@code Neon})
     * @param maxBranchesKey the key that sets {@code size}, for messages
     * @param slotTimeoutKey the key that sets {@code timeout}, for messages
     * @param size how many branches the run may hold at once, at least 2 when the run builds a base or a parent
     * @param timeout how long a branch waits for a slot, positive; up to a millisecond's precision
     * @throws IllegalArgumentException when {@code size} is below 1 or {@code timeout} is not positive
     */
    public BranchSlots(String service, String maxBranchesKey, String slotTimeoutKey, int size, Duration timeout) {
        if (size < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "BranchSlots need a size of at least 1 and a positive timeout, not " + size + " and " + timeout);
        }
        this.service = service;
        this.maxBranchesKey = maxBranchesKey;
        this.slotTimeoutKey = slotTimeoutKey;
        this.size = size;
        this.timeout = timeout;
        this.free = new Semaphore(size, true);
    }

    /**
     * Takes a slot for a branch of {@code kind}, waiting for one up to the timeout (within {@link #withoutWaiting},
     * not at all). Each successful call is matched by one {@link #release(Kind)} with the same kind.
     *
     * @param id the branch's name or id, for messages
     * @param kind what the branch is for: a {@link Kind#BASE} or {@link Kind#PARENT} holds its slot for the
     *     run, and may not take the last one
     * @throws ProviderException when none became free in time (or none was free, within {@link #withoutWaiting}),
     *     or (a configuration error) when a base or
     *     parent would take the last slot, or when the thread was interrupted while waiting
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
        boolean waits = !NOT_WAITING.get();
        boolean acquired = false;
        try {
            // A timed tryAcquire keeps to the order of the waiters, even with no time to wait; tryAcquire() would not.
            acquired = free.tryAcquire(waits ? timeout.toMillis() : 0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!acquired) {
            forget(kind);
            if (Thread.currentThread().isInterrupted()) {
                throw new ProviderException("Interrupted while waiting for a free branch for " + id, null);
            }
            if (!waits) {
                throw new ProviderException(
                        service + ": no branch was free for " + id + ", which does not wait for one: all " + size
                                + " branches of " + maxBranchesKey + " are held by this run. Raise " + maxBranchesKey
                                + " to make room for it.",
                        null);
            }
            throw new ProviderException(
                    service + ": no branch became free within " + ProviderContext.formatDuration(timeout)
                            + " for " + id + ": all " + size + " branches of " + maxBranchesKey
                            + " are held by this run. Raise " + maxBranchesKey + " or "
                            + slotTimeoutKey + ", or run fewer tests at once.",
                    null);
        }
    }

    /**
     * Gives back the slot of a branch of {@code kind} that is gone, handed over to the user, or could not be
     * created: a waiting branch takes it.
     *
     * @param kind the kind its {@link #acquire(String, Kind)} was called with
     */
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
