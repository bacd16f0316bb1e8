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
 * using as an existing server. A close that takes longer than {@link #PATIENCE_SECONDS} seconds is named in the log, with
 * what it is waiting for, so that a slow exit (one that a build tool kills) can be traced.
 *
 * <pre>{@code
 * Shutdown.closeAll(services);   // in the library's shutdown hook
 * }</pre>
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
    /** How long the closes may take before the log says which are still under way. */
    static final long PATIENCE_SECONDS = 10;

    private Shutdown() {}

    static void closeAll(List<BranchService> services) {
        closeAtOnce(
                services.stream().filter(BranchService::keepsBranchesAfterExit).toList());
        closeAtOnce(services.stream().filter(s -> !s.keepsBranchesAfterExit()).toList());
    }

    private static void closeAtOnce(List<BranchService> services) {
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
            all.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "Still closing after {} s: {}",
                    PATIENCE_SECONDS,
                    running.entrySet().stream()
                            .map(r -> r.getValue().describe() + " at " + where(r.getKey()))
                            .collect(Collectors.joining("; ")));
            all.join();
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
