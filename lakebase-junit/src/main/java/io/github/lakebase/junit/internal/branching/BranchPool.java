package io.github.lakebase.junit.internal.branching;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HikariCP pool of a branch, created on first use, whose physical connections count against the run's
 * connection budget. A branch restored in place hands its pool, still connected, to the test that takes it
 * next ({@link Prefetcher#giveBack(String, BranchPool)}): that test's {@code DataSource} then hands out
 * sessions whose server processes and caches are warm.
 *
 * <pre>{@code
 * BranchPool pool = new BranchPool("lbj_k3x9q2a_12_test", connection, budget.group());
 * DataSource dataSource = pool.dataSource(8);
 * // ... the test ends ...
 * int leaked = pool.end();
 * }</pre>
 */
final class BranchPool {

    private static final Logger LOG = LoggerFactory.getLogger(BranchPool.class);

    /** How long ending a pool waits for its idle connections to close, so that its branch can be dropped. */
    private static final Duration IDLE_CLOSE_WAIT = Duration.ofSeconds(2);
    /** The pools' housekeeping (idle timeouts, lifetimes): one thread for all, instead of one started per pool. */
    private static final ScheduledThreadPoolExecutor HOUSEKEEPING = housekeeping();
    /** Finishes the shutdown of ended pools, off the tests' threads. */
    private static final Executor POOL_CLOSER =
            Executors.newCachedThreadPool(DaemonThreads.named("lakebase-junit-pool-closer"));
    /** Opens the first session of pools ahead of their first user, beside the work that leads to that user. */
    private static final Executor CONNECTING =
            Executors.newCachedThreadPool(DaemonThreads.named("lakebase-junit-connect-ahead"));

    private final String name;
    private final BranchConnection connection;
    private final ConnectionBudget.Group pooled;
    private HikariDataSource pool;
    /** The session {@link #connectAhead} opens; done when none is being opened. */
    private CompletableFuture<Void> ahead = CompletableFuture.completedFuture(null);
    /** Held to open a physical connection, and exclusively to reset the branch. */
    private final ReentrantReadWriteLock opening = new ReentrantReadWriteLock();

    /**
     * @param name the branch's name, the pool's name in HikariCP's log
     * @param connection how to connect to the branch
     * @param pooled the budget's group for the pool's physical connections
     */
    BranchPool(String name, BranchConnection connection, ConnectionBudget.Group pooled) {
        this.name = name;
        this.connection = connection;
        this.pooled = pooled;
    }

    /**
     * Makes pools whose physical connections count against {@code budget}, each in a group of its own.
     *
     * @return a function of a branch's name and how to connect to it
     */
    static BiFunction<String, BranchConnection, BranchPool> in(ConnectionBudget budget) {
        return (name, connection) -> new BranchPool(name, connection, budget.group());
    }

    /** How to connect to the branch. */
    BranchConnection connection() {
        return connection;
    }

    /**
     * The pool, created on first use.
     *
     * @param size its largest size, 1 or more; a pool taken over from an earlier test is resized to it
     */
    synchronized DataSource dataSource(int size) {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(name);
            // Physical connections are opened as openConnection() opens them: within the run's connection budget,
            // and with the password asked for at every new connection (a provider's password may be a short-lived
            // token).
            config.setDataSource(new ConnectionSource(() -> {
                try {
                    return pooled.open(this::open);
                } finally {
                    if (opening.getReadHoldCount() > 0) { // held from the opening until the budget tracks it
                        opening.readLock().unlock();
                    }
                }
            }));
            config.setScheduledExecutor(HOUSEKEEPING);
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(0);
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(ConnectionBudget.WAIT.toMillis() + 5_000);
            pool = new HikariDataSource(config);
            HikariDataSource created = pool;
            pooled.reclaimIdle(() -> {
                var bean = created.getHikariPoolMXBean();
                // Never while a thread waits on this pool: a fresh connection sits idle for a moment before it is
                // handed over, and evicting it would leave the waiter without one.
                if (bean != null && bean.getIdleConnections() > 0 && bean.getThreadsAwaitingConnection() == 0) {
                    bean.softEvictConnections();
                }
            });
        } else if (pool.getMaximumPoolSize() != size) {
            pool.setMaximumPoolSize(size);
        }
        return pool;
    }

    /**
     * Opens one session in the background, which stays idle in the pool for the first to ask: for a branch forked
     * for work that connects to it soon (a Spring context's start-up migrations, half a second later), which then
     * finds the session open instead of waiting for its server process to start and log in (about 50 ms on a 2-core
     * machine); or for a spare branch, whose test then finds it open. Ending the pool ({@link #retire}) waits for
     * that session, so that none is opened on a branch being sealed or dropped.
     *
     * @param size the pool's largest size, 1 or more
     * @param readying what is done on the session before it goes back to the pool, such as readying it for restores;
     *     it reports its own failures
     */
    synchronized void connectAhead(int size, Consumer<Connection> readying) {
        DataSource sessions = dataSource(size);
        ahead = CompletableFuture.runAsync(
                () -> {
                    try (Connection session = sessions.getConnection()) { // handed back then: the pool keeps it open
                        readying.accept(session);
                    } catch (SQLException | RuntimeException e) { // the pool ended, or the first to ask will say why
                        LOG.debug("Could not connect to {} ahead: {}", name, e.getMessage());
                    }
                },
                CONNECTING);
    }

    /**
     * Resets the branch's database with {@code reset}, and closes the pool's sessions of the database it replaced:
     * the idle ones at once, each borrowed one as it comes back.
     *
     * @param reset what replaces the database, e.g. the provider's reset of the branch
     */
    void reset(Runnable reset) {
        opening.writeLock().lock(); // waits for the sessions being opened; new ones wait for the reset
        try {
            softEvict();
            reset.run();
            // A session opened before the reset joins the pool just after its opening returns: by now it has.
            softEvict();
        } finally {
            opening.writeLock().unlock();
        }
    }

    /**
     * Opens a physical connection, unless a reset runs: then once it is done, on the database that replaced it. Holds
     * the read lock of {@link #opening} on return, which the pool's connection source lets go of once the budget has
     * counted the connection: {@link #borrowAll} compares that count with the pool's.
     */
    private Connection open() throws SQLException {
        opening.readLock().lock();
        try {
            return connection.open();
        } catch (SQLException | RuntimeException | Error e) {
            opening.readLock().unlock();
            throw e;
        }
    }

    private synchronized void softEvict() {
        if (pool != null && pool.getHikariPoolMXBean() != null) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** Whether the pool holds connections and none of them is borrowed. */
    synchronized boolean idle() {
        var bean = pool == null ? null : pool.getHikariPoolMXBean();
        return bean != null && bean.getActiveConnections() == 0 && bean.getIdleConnections() > 0;
    }

    /**
     * Borrows every connection the pool holds, for the restore of an ended branch, once every session being opened
     * has joined them (at most {@link #IDLE_CLOSE_WAIT} for each wait): the session opened ahead for a spare, or one
     * the pool opened for a test that ended before it was open. A session that joined during the restore would have
     * the restore give the branch up. Nobody else borrows from the pool of an ended branch.
     *
     * @return the connections, each to be closed (handed back); empty when one is borrowed or there are none
     * @throws SQLException when one cannot be borrowed; those borrowed before it are handed back
     */
    synchronized List<Connection> borrowAll() throws SQLException {
        awaitAhead();
        boolean joined;
        try {
            if (!opening.writeLock().tryLock(IDLE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return new ArrayList<>();
            }
            try {
                joined = awaitJoined();
            } finally {
                opening.writeLock().unlock(); // before borrowing: a dead session's replacement must be openable
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ArrayList<>();
        }
        return joined ? borrowIdle() : new ArrayList<>();
    }

    /**
     * Waits, at most {@link #IDLE_CLOSE_WAIT}, until the pool holds every physical connection opened for it: one
     * joins the pool a moment after its opening returns, once HikariCP has set it up.
     *
     * @return whether it holds them all
     */
    private boolean awaitJoined() throws InterruptedException {
        long deadline = System.nanoTime() + IDLE_CLOSE_WAIT.toNanos();
        var bean = pool == null ? null : pool.getHikariPoolMXBean();
        while (bean != null && bean.getTotalConnections() < pooled.openCount()) {
            if (System.nanoTime() > deadline) {
                LOG.debug(
                        "{} of the sessions opened on {} have not joined its pool",
                        pooled.openCount() - bean.getTotalConnections(),
                        name);
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private List<Connection> borrowIdle() throws SQLException {
        List<Connection> held = new ArrayList<>();
        if (!idle()) {
            return held;
        }
        try {
            for (int i = pool.getHikariPoolMXBean().getIdleConnections(); i > 0; i--) {
                held.add(pool.getConnection());
            }
        } catch (SQLException | RuntimeException e) {
            for (Connection c : held) {
                c.close();
            }
            throw e;
        }
        return held;
    }

    /**
     * Ends the pool without waiting for HikariCP's shutdown: its idle connections are closed now, so that the
     * branch can be dropped at once, and the rest of the shutdown runs in the background. (HikariCP's shutdown
     * waits for the thread that opens connections, which pauses for about 30 ms after each new connection: a
     * test would pay that pause at every branch it ends.) Connections still borrowed stay open; dropping the
     * branch ends their sessions. A later {@link #dataSource} starts a new pool.
     *
     * @return how many connections were still borrowed
     */
    synchronized int retire() {
        awaitAhead();
        HikariDataSource retired = pool;
        pool = null;
        var bean = retired == null ? null : retired.getHikariPoolMXBean();
        int borrowed = bean == null ? 0 : bean.getActiveConnections();
        if (bean != null) {
            bean.softEvictConnections();
            try {
                pooled.awaitOpenAtMost(borrowed, IDLE_CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (retired != null) {
            POOL_CLOSER.execute(retired::close);
        }
        return borrowed;
    }

    /** Waits, at most {@link #IDLE_CLOSE_WAIT}, for the session being opened ahead, if one is. */
    private void awaitAhead() {
        try {
            ahead.get(IDLE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("The session opened ahead on {} is not ready: {}", name, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ahead = CompletableFuture.completedFuture(null); // waited for once: a later retire does not wait again
    }

    /**
     * Retires the pool for good and returns its connections' permits to the budget.
     *
     * @return how many connections were still borrowed
     */
    int end() {
        int borrowed = retire();
        pooled.close();
        return borrowed;
    }

    private static ScheduledThreadPoolExecutor housekeeping() {
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(1, DaemonThreads.named("lakebase-junit-pool-housekeeping"));
        executor.setRemoveOnCancelPolicy(true); // as HikariCP advises: a closed pool's tasks leave the queue
        return executor;
    }

    @Override
    public String toString() {
        return "BranchPool[" + name + "]";
    }
}
