package io.github.lakebase.benchmarks.harness;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Waits, once a cell's warm-up test has finished and before its first measured test starts, until what the
 * warm-up wrote is on disk ({@code sync(1)}, which returns once the kernel has written back what was dirty when it
 * began). The time it takes is added to the cell's time budget ({@link CellBudget#extend}) and kept as the cell's
 * {@value #MILLIS_VALUE} value.
 *
 * <p>The warm-up writes the parent (a migration of up to 1 GB) and, for the approaches that keep databases ready,
 * their first copies: on a filesystem without reflinks, gigabytes that the page cache holds until the kernel writes
 * them back. Without this wait the write-back falls on the first measured tests of that cell, which then share the
 * two cores with the kernel (on a loop-mounted ext4 with its journal, 60-75 % system time and no idle time during
 * the first 2 s after a 1 GB warm-up). Every cost-per-test and Spring cell waits, at the same point; work in the
 * background goes on meanwhile (a prefetching approach's next databases).
 *
 * <p>It blocks the thread that reports the warm-up's end: for cells whose tests run one after another.
 *
 * <pre>{@code
 * launcher.execute(request, new WarmUpWrites(1), timing);   // first: JUnit tells it last, after timing
 * }</pre>
 */
final class WarmUpWrites implements TestExecutionListener {

    /** The name of the value that holds how long the wait took, in milliseconds. */
    static final String MILLIS_VALUE = "warm_up_sync_ms";

    /** How long to wait for {@code sync} at most, in seconds. */
    private static final long SYNC_TIMEOUT_SECONDS = 120;

    private static volatile double lastMillis = Double.NaN;

    private final int warmUps;
    private int finished;

    /** @param warmUps how many tests warm the cell up (0 and up): the wait follows the last of them */
    WarmUpWrites(int warmUps) {
        this.warmUps = warmUps;
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest() && ++finished == warmUps) {
            sync();
        }
    }

    /** How long the last wait took in this JVM, in milliseconds; NaN before the first. */
    static double lastMillis() {
        return lastMillis;
    }

    /**
     * Runs {@code sync} and moves the cell's budget by the time it took; where it cannot, says so and goes on: the cell
     * is then measured as it was.
     */
    static void sync() {
        long start = System.nanoTime();
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                System.err.println("sync took longer than " + SYNC_TIMEOUT_SECONDS + " s; measuring anyway");
            }
        } catch (IOException e) {
            System.err.println("Could not run sync, measuring without it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            long took = System.nanoTime() - start;
            CellBudget.extend(took);
            lastMillis = took / 1e6;
        }
    }
}
