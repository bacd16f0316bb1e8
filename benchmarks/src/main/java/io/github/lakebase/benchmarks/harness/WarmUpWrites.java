package io.github.lakebase.benchmarks.harness;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Waits, once a cell's warm-up test has finished and before its first measured test starts, until what the
 * warm-up wrote is on disk ({@code sync(1)}, which returns once the kernel has written back every dirty page).
 *
 * <p>The warm-up writes the parent (a migration of up to 1 GB) and, for the approaches that fork ahead, its first
 * copies: on a filesystem without reflinks, gigabytes that the page cache holds until the kernel writes them back.
 * Without this wait the write-back falls on the first measured tests of that cell, which then share the two cores
 * with the kernel (on ext4 with its journal, 60-75 % system time and no idle time during the first 2 s after a
 * 1 GB warm-up), and the cell's median tells of its start-up rather than of its tests. Every approach's cell waits
 * alike; what a cell writes while its measured tests run (a fork per test, say) stays in its cost.
 *
 * <pre>{@code
 * launcher.execute(request, timing, new WarmUpWrites(1));
 * }</pre>
 */
final class WarmUpWrites implements TestExecutionListener {

    /** How long to wait for {@code sync} at most, in seconds. */
    private static final long SYNC_TIMEOUT_SECONDS = 120;

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

    /** Runs {@code sync}; where it cannot, says so and goes on: the cell is then measured as it was. */
    static void sync() {
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
        }
    }
}
