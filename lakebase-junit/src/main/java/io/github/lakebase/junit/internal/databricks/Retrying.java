package io.github.lakebase.junit.internal.databricks;

import com.databricks.sdk.core.DatabricksError;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the Lakebase API that survive throttling (429) and passing failures (5xx, a lost
 * connection), retried with a growing, jittered wait within a deadline. Only calls that are safe to
 * repeat go through {@link #call}; a creation is re-checked before it is repeated (see
 * {@link LakebaseApi#createBranch}).
 */
final class Retrying {

    private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);
    /** The status the SDK gives a call that got no HTTP answer (a reset connection, a timeout). */
    static final int NO_ANSWER = 523;

    private static final Set<Integer> PASSING = Set.of(429, 500, 502, 503, 504, NO_ANSWER);
    private static final Set<String> PASSING_CODES =
            Set.of("TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED", "TOO_MANY_REQUESTS", "IO_ERROR");

    private final Duration firstWait;
    private final Duration timeout;

    /**
     * @param firstWait the first wait; it doubles up to ten times as long
     * @param timeout how long one call may be retried
     */
    Retrying(Duration firstWait, Duration timeout) {
        this.firstWait = firstWait;
        this.timeout = timeout;
    }

    /** Whether a failure may pass by itself: throttling, a server error, no answer at all. */
    static boolean passing(RuntimeException e) {
        return e instanceof DatabricksError d
                && (PASSING.contains(d.getStatusCode()) || PASSING_CODES.contains(String.valueOf(d.getErrorCode())));
    }

    /** The HTTP status of an API failure, or 0. */
    static int status(RuntimeException e) {
        return e instanceof DatabricksError d ? d.getStatusCode() : 0;
    }

    /** The Databricks error code of an API failure, or an empty string. */
    static String errorCode(RuntimeException e) {
        return e instanceof DatabricksError d && d.getErrorCode() != null ? d.getErrorCode() : "";
    }

    /** Runs {@code call}, repeating it after passing failures until the deadline. */
    <T> T call(String what, Supplier<T> call) {
        Waits waits = waits(timeout);
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (!passing(e) || !waits.pause(what + " failed (" + describe(e) + ")")) {
                    throw failure(what, e);
                }
            }
        }
    }

    /** A series of waits that ends at {@code deadline} from now. */
    Waits waits(Duration deadline) {
        return new Waits(System.nanoTime() + deadline.toNanos());
    }

    /** A description of an API failure for messages: status, error code and message. */
    static String describe(RuntimeException e) {
        if (e instanceof DatabricksError d) {
            return "HTTP " + d.getStatusCode() + (d.getErrorCode() == null ? "" : " " + d.getErrorCode()) + ": "
                    + d.getMessage();
        }
        return e.toString();
    }

    static ProviderException failure(String what, RuntimeException e) {
        if (e instanceof ProviderException p) {
            return p;
        }
        return new ProviderException("Lakebase: " + what + " failed: " + describe(e), e);
    }

    /** Growing waits up to a deadline. */
    final class Waits {

        private final long deadline;
        private long next;

        private Waits(long deadline) {
            this.deadline = deadline;
            this.next = firstWait.toNanos();
        }

        /**
         * Sleeps before the next attempt; returns {@code false}, without sleeping, when the deadline has
         * passed or would pass during the wait.
         */
        boolean pause(String why) {
            long jittered =
                    (long) (next * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
            if (System.nanoTime() + jittered > deadline) {
                return false;
            }
            LOG.debug("{}; retrying in {} ms", why, jittered / 1_000_000);
            sleep(jittered);
            next = Math.min(next * 2, firstWait.toNanos() * 10);
            return true;
        }
    }

    static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while waiting for Lakebase", e);
        }
    }
}
