package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * workers.start(spare, workers.hold(), () -> restore(spare), () -> drop(spare));   // after a pause
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

    /**
     * How long, in milliseconds, work is held back at most by default ({@link #hold}). Starting
     * a test (JUnit's callbacks, the claim of a spare, a {@code DataSource}) took 2-4 ms on a 2-core machine, and a
     * restore 3-30 ms, which the server's process for it and the JVM's thread spent mostly on both cores.
     */
    static final long PAUSE_MILLIS = 20;
    /**
     * How long, in milliseconds, a test must have held its branch for the branch's restore to be held back: longer
     * than a pause and a restore, so that when the next test runs as long, no test waits for the restore.
     */
    static final long SLOW_TEST_MILLIS = 50;

    /** How long work is held back at most, in milliseconds. */
    private final long pauseMillis;
    /** How long, in milliseconds, a test must have held its branch to count as slow. */
    private final long slowTestMillis;
    /** Work held back, each started when its future completes. */
    private final Set<CompletableFuture<Void>> paused = ConcurrentHashMap.newKeySet();
    /** Null until first used; guarded by {@code this}. */
    private ExecutorService executor;
    /** Whether {@link #stop} was called; guarded by {@code this}. */
    private boolean stopped;

    /** Workers that hold work back at most {@value #PAUSE_MILLIS} ms. */
    SpareWorkers() {
        this(PAUSE_MILLIS);
    }

    /** Workers that hold work back at most {@code pauseMillis} ms (0 and up). */
    SpareWorkers(long pauseMillis) {
        this(pauseMillis, SLOW_TEST_MILLIS);
    }

    /**
     * Workers that hold work back at most {@code pauseMillis} ms (0 and up), and hold back the restore of a branch
     * whose test held it {@code slowTestMillis} ms or more (1 and up).
     */
    SpareWorkers(long pauseMillis, long slowTestMillis) {
        this.pauseMillis = pauseMillis;
        this.slowTestMillis = slowTestMillis;
    }

    /**
     * Whether the test that held {@code lent} held it {@value #SLOW_TEST_MILLIS} ms (unless told otherwise) or more:
     * the next test, which takes another spare where one is ready, is then likely to run as long, and not to need
     * this branch while it starts.
     */
    boolean slow(Spare.Lent lent) {
        return System.nanoTime() - lent.since() >= slowTestMillis * 1_000_000;
    }

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
     * A pause for work that no test needs yet, which then keeps off the cores while the next test starts: it ends
     * after the workers' pause ({@link #PAUSE_MILLIS} ms unless told otherwise), once a test waits for a spare
     * ({@link #hurry}), or when these workers stop.
     *
     * @return the pause, to {@link #start(Spare, CompletableFuture, Runnable, Runnable)} work after; null once these
     *     workers have stopped
     */
    CompletableFuture<Void> hold() {
        CompletableFuture<Void> pause = holdUntilNeeded();
        return pause == null ? null : pause.completeOnTimeout(null, pauseMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A pause for work that may never be needed: it ends once a test waits for a spare ({@link #hurry}) or when
     * these workers stop, or when whoever holds it completes it.
     *
     * @return the pause; null once these workers have stopped
     */
    synchronized CompletableFuture<Void> holdUntilNeeded() {
        if (stopped) {
            return null;
        }
        CompletableFuture<Void> pause = new CompletableFuture<>();
        paused.add(pause);
        pause.whenComplete((done, failure) -> paused.remove(pause)); // ended, whoever waits for it
        return pause;
    }

    /**
     * {@link #start(Spare, Runnable)} once {@code pause} has ended.
     *
     * @param pause from {@link #hold}; null for none
     * @param cancelled runs instead of {@code work} once these workers have stopped
     */
    void start(Spare spare, CompletableFuture<Void> pause, Runnable work, Runnable cancelled) {
        if (pause == null) {
            if (!start(spare, work)) {
                cancelled.run();
            }
            return;
        }
        pause.whenComplete((done, failure) -> start(spare, null, work, cancelled));
    }

    /** Starts the work held back at once: a test waits for a spare. */
    void hurry() {
        paused.forEach(go -> go.complete(null));
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

    /**
     * Takes no further work, cancels the work held back ({@code cancelled} runs instead), and waits at most a minute
     * for the work under way.
     */
    void stop() {
        ExecutorService running;
        synchronized (this) {
            stopped = true;
            running = executor;
        }
        hurry();
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
