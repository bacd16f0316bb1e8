package io.github.lakebase.junit.fakes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When a fake service's long-running operations finish: their delay after they started, but not before the
 * client has polled them once and been told they still run. A client slowed down by a busy machine may poll an
 * operation for the first time after its delay; it still meets the operation running, so that a test that counts
 * on slow operations holds on any machine. An operation nobody polls finishes {@link #UNSEEN} after its delay, as
 * a real one would in the end: say, a creation whose answer was lost, which the client looks for by its branch
 * rather than by its operation.
 *
 * <pre>{@code
 * running.start(id, Duration.ofMillis(300), () -> finish(id, work));
 * // GET .../operations/{id}:
 * ObjectNode answer = operations.get(id); // read first: this poll is told it still runs
 * running.polled(id);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SeenOperations {

    /** How long after its delay an operation nobody has polled finishes anyway. */
    public static final Duration UNSEEN = Duration.ofSeconds(10);

    private final ScheduledExecutorService workers;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final Runnable finish;
        boolean polled;
        boolean due;

        Pending(Runnable finish) {
            this.finish = finish;
        }
    }

    /** @param workers where the operations' work runs */
    public SeenOperations(ScheduledExecutorService workers) {
        this.workers = workers;
    }

    /**
     * Has {@code finish} run {@code delay} after now if a poll of {@code id} has come by then, else at the first
     * poll after that, and {@link #UNSEEN} later at the latest; at once when {@code delay} is zero.
     */
    public void start(String id, Duration delay, Runnable finish) {
        if (delay.isZero()) {
            workers.execute(finish);
            return;
        }
        Pending p = new Pending(finish);
        pending.put(id, p);
        workers.schedule(
                () -> {
                    boolean polled;
                    synchronized (p) {
                        p.due = true;
                        polled = p.polled;
                    }
                    if (polled) {
                        finish(id); // outside the lock: a poll meanwhile need not wait for the work
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
        workers.schedule(() -> finish(id), delay.plus(UNSEEN).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Notes that the client polled {@code id} and was told it still runs; finishes it now if it is due. */
    public void polled(String id) {
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        synchronized (p) {
            p.polled = true;
            if (p.due) {
                workers.execute(() -> finish(id));
            }
        }
    }

    private void finish(String id) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.finish.run();
        }
    }
}
