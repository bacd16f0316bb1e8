package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background threads of a {@link Prefetcher}, which fork spares, restore the branches tests give back and
 * drop spares that make room: {@value #AT_ONCE} at a time, started on first use.
 *
 * <pre>{@code
 * SpareWorkers workers = new SpareWorkers();
 * workers.start(spare, () -> fork(spare));   // the spare is settled whatever the work does
 * CompletableFuture<Void> created = workers.forkAfter(previous, next, c -> fork(next, c));
 * workers.stop();                            // waits up to a minute for the work under way
 * }</pre>
 */
final class SpareWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(SpareWorkers.class);
    /**
     * How many spares are forked at the same time. A fork keeps one server process busy copying (on a filesystem
     * without reflinks, mostly in the kernel), so a second one uses a second core; more would take cores from the
     * tests themselves.
     */
    static final int AT_ONCE = 2;

    /** Null until first used; guarded by {@code this}. */
    private ExecutorService executor;
    /** Whether {@link #stop} was called; guarded by {@code this}. */
    private boolean stopped;

    /**
     * Runs {@code work} for {@code spare} in the background, after which the spare is settled ({@link
     * Spare#settle}); once these workers have stopped, the spare is cancelled instead.
     *
     * @return false when the spare was cancelled, and {@code work} will not run
     */
    boolean start(Spare spare, Runnable work) {
        try {
            execute(() -> spare.settle(work));
            return true;
        } catch (RejectedExecutionException e) {
            spare.forked().cancel(false);
            return false;
        }
    }

    /**
     * Forks {@code spare} in the background once {@code after} is done, at once when it is.
     *
     * @param fork forks the spare, and completes the future it is given once the spare's database exists, or will not
     * @return done once the spare's database exists or will not, or after a minute: a fork that hangs holds up the
     *     forks that wait for it no longer
     */
    CompletableFuture<Void> forkAfter(CompletableFuture<?> after, Spare spare, Consumer<CompletableFuture<Void>> fork) {
        CompletableFuture<Void> created = new CompletableFuture<>();
        after.whenComplete((done, failure) -> {
            if (!start(spare, () -> fork.accept(created))) {
                created.complete(null);
            }
        });
        return created.completeOnTimeout(null, 1, TimeUnit.MINUTES);
    }

    /**
     * Runs {@code work} in the background.
     *
     * @throws RejectedExecutionException once these workers have stopped
     */
    synchronized void execute(Runnable work) {
        if (stopped) {
            throw new RejectedExecutionException("The spares' workers have stopped");
        }
        if (executor == null) {
            executor = Executors.newFixedThreadPool(AT_ONCE, DaemonThreads.named("lakebase-junit-prefetch"));
        }
        executor.execute(work);
    }

    /** Takes no further work, and waits at most a minute for the work under way. */
    void stop() {
        ExecutorService running;
        synchronized (this) {
            stopped = true;
            running = executor;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("Forking a spare branch took longer than 60 s; a later run's sweep removes it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
