package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.SweepingProvider;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sweep of a service's provider ({@link SweepingProvider}): what dead runs left is deleted in the
 * background from the moment the service exists, beside the run's first fork, instead of before it. Whoever hands a
 * branch or a base to a test, or the provider to a tool, waits for the sweep first ({@link #await}), so that no test
 * and no tool sees what a dead run left; a service closes its provider only once the sweep has ended.
 *
 * <p>On the embedded server a sweep took 60-80 ms of a warm start of about 900 ms on a 2-core machine (its queries,
 * and the wait for the admin pool's first connection); a cloud provider's lists its project's branches over HTTP.
 *
 * <pre>{@code
 * StartupSweep sweep = StartupSweep.start(provider, Thread.currentThread().getContextClassLoader());
 * ManagedBranch branch = fork(...);   // beside the sweep
 * sweep.await();                      // before the test sees the branch
 * }</pre>
 */
final class StartupSweep {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSweep.class);

    /** No sweep: for a provider that does not sweep, and for a service until its sweep starts. */
    static final StartupSweep NONE = new StartupSweep(CompletableFuture.completedFuture(null));

    /** Done once the sweep has ended, whatever its outcome; never completed exceptionally. */
    private final CompletableFuture<Void> done;

    private StartupSweep(CompletableFuture<Void> done) {
        this.done = done;
    }

    /**
     * Starts the sweep of {@code provider} in a daemon thread, where it sweeps; {@link #NONE} where it does not.
     * A sweep that fails is logged, and the run goes on without it, as {@link SweepingProvider#sweep} says.
     *
     * @param provider the service's provider, just created
     * @param loader the context class loader of the thread that created it, for the sweep's thread
     */
    static StartupSweep start(BranchProvider provider, ClassLoader loader) {
        if (!(provider instanceof SweepingProvider sweeping)) {
            return NONE;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = DaemonThreads.named("lakebase-junit-sweep").newThread(() -> {
            try {
                sweeping.sweep();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn(
                        "Could not sweep what dead runs left on {}; the run goes on without the sweep: {}",
                        provider.describe(),
                        e.toString());
            } finally {
                done.complete(null);
            }
        });
        thread.setContextClassLoader(loader);
        thread.start();
        return new StartupSweep(done);
    }

    /** Waits until the sweep has ended; at once when it has. */
    void await() {
        done.join();
    }
}
