package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops branches off the test's path: a test ends once its pool is closed, JUnit reports it, and its
 * branch is dropped meanwhile. At most {@code threads} drops run at once and at most {@code backlog} wait;
 * beyond that the caller drops its branch itself, so that the disk held by branches waiting to go stays
 * bounded. {@link #await()} waits for every drop submitted before it (at the end of a JUnit run and when
 * the JVM exits, so that nothing is left behind); a drop that a kill interrupts is left to a later run's
 * sweep, like every database of a dead run.
 *
 * <pre>{@code
 * Drops drops = new Drops(provider::delete, 2, 4);
 * drops.drop("lbj_ab12cd3_17_test");   // returns at once
 * drops.await();                       // every drop so far has run
 * }</pre>
 *
 * <p>Thread-safe. A drop that fails is logged, not thrown: the test it belonged to has been reported.
 */
final class Drops implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Drops.class);

    private final Consumer<String> delete;
    private final ThreadPoolExecutor executor;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param delete drops one branch; may throw
     * @param threads how many drops run at once, at least 1
     * @param backlog how many drops may wait, at least 0
     */
    Drops(Consumer<String> delete, int threads, int backlog) {
        this.delete = delete;
        this.executor = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                backlog == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(backlog),
                DaemonThreads.named("lakebase-junit-drop"),
                (task, full) -> task.run()); // the caller drops its own branch, also once this is closed
        executor.allowCoreThreadTimeOut(true);
    }

    /** Drops {@code name} in the background, or now on this thread when the backlog is full. */
    void drop(String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        executor.execute(() -> {
            try {
                delete.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("Could not drop branch {}: {}. A later run's sweep removes it.", name, e.getMessage());
            } finally {
                // Out of the pending drops before it completes: whoever awaited it sees none left when it returns.
                pending.remove(done);
                done.complete(null);
            }
        });
    }

    /**
     * Drops every one of {@code names}, as many at once as this has threads, and returns when all have
     * gone, or at the first that fails (the server is gone, say): the drops not begun by then are skipped.
     *
     * @return empty when all went, else the first failure's message
     */
    Optional<String> dropAll(Collection<String> names) {
        AtomicReference<String> failure = new AtomicReference<>();
        List<CompletableFuture<Void>> drops = new ArrayList<>();
        for (String name : names) {
            drops.add(CompletableFuture.runAsync(
                    () -> {
                        if (failure.get() != null) {
                            return;
                        }
                        try {
                            delete.accept(name);
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, name + ": " + e.getMessage());
                        }
                    },
                    executor));
        }
        CompletableFuture.allOf(drops.toArray(CompletableFuture[]::new)).join();
        return Optional.ofNullable(failure.get());
    }

    /** Waits until every drop submitted before this call has run. */
    void await() {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    /** How many drops have been submitted and have not run yet. */
    int pending() {
        return pending.size();
    }

    /** Waits for the pending drops, then stops the threads. */
    @Override
    public void close() {
        await();
        executor.shutdown();
    }
}
