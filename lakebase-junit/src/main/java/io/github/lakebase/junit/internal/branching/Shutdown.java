package io.github.lakebase.junit.internal.branching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the JVM's services: all at once, first those whose servers outlive them, then those whose
 * close deletes their server (a temporary embedded server, a container), which another service may be
 * using as an existing server. The JVM waits at most {@link #BUDGET_SECONDS} seconds for them, and {@link
 * #LAST_SECONDS} more for the last ones when the first took all of it: 20 s in all, so that a build tool
 * never has to kill it (Surefire does 30 s after its {@code System.exit}, which other shutdown hooks share,
 * on a machine that may be busy). A close still under way then is named in the log with what it waits for,
 * and what it has not dropped is left to a later run's sweep, as after a kill.
 *
 * <pre>{@code
 * Shutdown.closeAll(services);   // in the library's shutdown hook
 * }</pre>
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
    /** How long the JVM's exit waits for the services to close. */
    static final long BUDGET_SECONDS = 15;
    /** How long the services that delete their servers get at least, after the others. */
    static final long LAST_SECONDS = 5;

    private Shutdown() {}

    static void closeAll(List<BranchService> services) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
        closeInOrder(
                services, deadline, Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(LAST_SECONDS)));
    }

    /**
     * Closes the services in the same order, but waits for every close to end, however long it takes: for a close
     * before the JVM exits ({@code Branches.close()}), after which another copy of the library locks the same files.
     */
    static void closeAllAndWait(List<BranchService> services) {
        closeInOrder(services, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Those whose servers outlive them by {@code first}, then the others by {@code last} (nanoTime; MAX_VALUE: none). */
    private static void closeInOrder(List<BranchService> services, long first, long last) {
        closeAtOnce(
                services.stream().filter(BranchService::keepsBranchesAfterExit).toList(), first);
        closeAtOnce(services.stream().filter(s -> !s.keepsBranchesAfterExit()).toList(), last);
    }

    private static void closeAtOnce(List<BranchService> services, long deadline) {
        Map<Thread, BranchService> running = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (BranchService s : services) {
            closing.add(CompletableFuture.runAsync(
                    () -> {
                        running.put(Thread.currentThread(), s);
                        try {
                            s.close();
                        } catch (RuntimeException e) {
                            LOG.warn("Closing {} failed: {}", s.describe(), e.getMessage());
                        } finally {
                            running.remove(Thread.currentThread());
                        }
                    },
                    r -> new Thread(r, "lakebase-junit-shutdown-" + s.describe()).start()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
        try {
            if (deadline == Long.MAX_VALUE) {
                all.get();
            } else {
                all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            LOG.warn(
                    "The JVM exits without waiting longer for {}; what they have not dropped yet is left to a later "
                            + "run's sweep. Still under way: {}",
                    running.values().stream().map(BranchService::describe).collect(Collectors.joining(", ")),
                    running.entrySet().stream()
                            .map(r -> r.getValue().describe() + " at " + where(r.getKey()))
                            .collect(Collectors.joining("; ")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.debug("Closing the services", e);
        }
    }

    /** The innermost frames of what {@code thread} is doing. */
    private static String where(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .limit(12)
                .map(StackTraceElement::toString)
                .collect(Collectors.joining(" < "));
    }
}
