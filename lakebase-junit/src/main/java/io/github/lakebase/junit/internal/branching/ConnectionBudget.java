package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.ConnectionSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many connections the branches of one run may hold on their server at once, so that many
 * concurrent tests wait for a connection instead of failing with "too many clients". Every
 * physical connection to a branch (pooled or opened directly) takes a permit until it is closed.
 */
final class ConnectionBudget {

    /** How long a new connection may wait for a permit before it fails. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** PostgreSQL's SQLSTATE for "sorry, too many clients already". */
    private static final String TOO_MANY_CONNECTIONS = "53300";

    private final int size;
    private final Semaphore permits;
    private final String advice;
    private final Set<Runnable> reclaimers = ConcurrentHashMap.newKeySet();

    /**
     * @param size the number of connections, {@link Integer#MAX_VALUE} for no limit
     * @param advice what to change when the wait is not enough
     */
    ConnectionBudget(int size, String advice) {
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.advice = advice;
    }

    /** A set of connections (those of one branch) whose permits all return when the set is closed. */
    Group group() {
        return new Group();
    }

    /**
     * The connections of one branch. Closing the group returns the permits of connections that were
     * never closed (a test that leaked them): the branch is dropped, and its sessions end with it.
     */
    final class Group implements AutoCloseable {

        private final Set<AtomicBoolean> open = ConcurrentHashMap.newKeySet();
        private Runnable reclaimer;

        /** Lets the budget close this group's idle pooled connections when permits run out. */
        synchronized void reclaimIdle(Runnable closeIdle) {
            reclaimer = closeIdle;
            reclaimers.add(closeIdle);
        }

        /** Opens a connection within the budget; its permit returns when the connection is closed. */
        Connection open(ConnectionSource.Opener opener) throws SQLException {
            return ConnectionBudget.this.open(opener, this);
        }

        /** How many connections of this group are open now. */
        int openCount() {
            return open.size();
        }

        /**
         * Waits until at most {@code count} connections of this group are open, or {@code timeout} has
         * passed.
         *
         * @return whether at most {@code count} are open
         */
        synchronized boolean awaitOpenAtMost(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (open.size() > count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        private synchronized void closed(AtomicBoolean connection) {
            open.remove(connection);
            notifyAll();
        }

        @Override
        public void close() {
            synchronized (this) {
                if (reclaimer != null) {
                    reclaimers.remove(reclaimer);
                }
            }
            for (AtomicBoolean released : open) {
                if (released.compareAndSet(false, true) && size != Integer.MAX_VALUE) {
                    permits.release();
                }
            }
            open.clear();
        }
    }

    /**
     * Opens a connection once a permit is free. The server may still refuse it with "too many clients"
     * when other runs (another test JVM on a shared server) hold connections this budget does not count:
     * then it waits as for a permit, and tries again.
     */
    private Connection open(ConnectionSource.Opener opener, Group group) throws SQLException {
        if (size == Integer.MAX_VALUE) {
            return track(opener.open(), group, false);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (true) {
                acquire(deadline);
                try {
                    return track(opener.open(), group, true);
                } catch (SQLException e) {
                    permits.release();
                    if (!TOO_MANY_CONNECTIONS.equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    reclaimIdle();
                    Thread.sleep(100);
                } catch (RuntimeException e) {
                    permits.release();
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("Interrupted while waiting for a connection", "08004", e);
        }
    }

    /**
     * Takes a permit. Idle connections in the branches' pools hold permits too, so while none is free
     * the pools are asked to close their idle connections: a test waits only for connections that are
     * really in use.
     */
    private void acquire(long deadline) throws InterruptedException, SQLException {
        while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                throw new SQLTransientConnectionException(
                        "All " + size + " connections this run may hold on the " + "server have been in use for "
                                + WAIT.toSeconds() + " s. " + advice,
                        "08004");
            }
            reclaimIdle();
        }
    }

    private void reclaimIdle() {
        for (Runnable reclaimer : reclaimers) {
            reclaimer.run();
        }
    }

    /** {@code connection}, tracked in its group, returning its permit (if any) once when it is closed or aborted. */
    private Connection track(Connection connection, Group group, boolean permit) {
        AtomicBoolean released = new AtomicBoolean();
        group.open.add(released);
        InvocationHandler handler = (proxy, method, args) -> {
            if (isEnd(method) && released.compareAndSet(false, true)) {
                if (permit) {
                    permits.release();
                }
                group.closed(released);
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection)
                Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static boolean isEnd(Method method) {
        return (method.getName().equals("close") && method.getParameterCount() == 0)
                || (method.getName().equals("abort") && method.getParameterCount() == 1);
    }
}
