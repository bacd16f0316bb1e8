package io.github.lakebase.junit.internal.branching;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reviews of bases ({@link BaseReview}) that wait until a run's tests are done, each followed by the event
 * of its base ({@link BaseEvents}). A review forks the base and its parent, reads Flyway's history of each and
 * compares their catalogs: about a second for a 100 MB base on a 2-core machine, which the first test of the base
 * waited for while the review was read as the base was built. The run reads them at its end, before it writes its
 * report, and a service before it closes.
 *
 * <pre>{@code
 * reviews.add(() -> BaseEvents.publish(eventWith(BaseReview.read(...))), false);
 * // ... the run's tests are done ...
 * reviews.publish();
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class LaterReviews {

    private static final Logger LOG = LoggerFactory.getLogger(LaterReviews.class);

    /** The reviews not read yet, in the order their bases were ready; guarded by {@code this}. */
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    /** Held while reviews are read, so that a caller that comes meanwhile returns once they are done. */
    private final Object reading = new Object();

    /**
     * Reads {@code review} (which tells the listeners of its base) at the next {@link #publish}, or now when {@code
     * now} (its base is about to go), on this thread and without the others.
     */
    void add(Runnable review, boolean now) {
        if (now) {
            read(review);
            return;
        }
        synchronized (this) {
            waiting.add(review);
        }
    }

    /**
     * Reads every review added so far, one after the other, and returns once they are read, also those another
     * thread began; a review that fails is logged, and the others are read all the same.
     */
    void publish() {
        synchronized (reading) {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = waiting.poll();
                }
                if (next == null) {
                    return;
                }
                read(next);
            }
        }
    }

    private static void read(Runnable review) {
        try {
            review.run();
        } catch (RuntimeException | LinkageError e) { // a class that cannot load as the JVM exits
            LOG.warn("The review of a base failed, and the run report leaves it out: {}", e.toString());
        }
    }
}
