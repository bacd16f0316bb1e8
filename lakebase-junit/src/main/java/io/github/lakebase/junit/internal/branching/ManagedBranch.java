package io.github.lakebase.junit.internal.branching;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.integration.KeptBranch;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ConnectionSource;
import io.github.lakebase.junit.spi.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch handed to a test: its connection details, a lazily created HikariCP pool, and its end —
 * deleted or kept according to its {@link CleanupMode} when the JUnit store that holds it closes.
 */
public final class ManagedBranch implements Branch, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedBranch.class);
    /** How long ending a branch waits for its pool's idle connections to close before it drops the branch anyway. */
    private static final Duration IDLE_CLOSE_WAIT = Duration.ofSeconds(2);
    /** The pools' housekeeping (idle timeouts, lifetimes): one thread for all, instead of one started per branch. */
    private static final ScheduledThreadPoolExecutor HOUSEKEEPING = housekeeping();
    /** Finishes the shutdown of ended branches' pools, off the tests' threads. */
    private static final Executor POOL_CLOSER =
            Executors.newCachedThreadPool(DaemonThreads.named("lakebase-junit-pool-closer"));

    private final BranchService service;
    private final String name;
    private final String parent;
    private final String source;
    private final BranchConnection connection;
    private final BranchSettings settings;
    /** The pool's physical connections. */
    private final ConnectionBudget.Group pooled;
    /** Connections from {@link #openConnection()}. */
    private final ConnectionBudget.Group direct;

    private HikariDataSource pool;
    private boolean closed;
    private boolean sealed;

    ManagedBranch(
            BranchService service,
            String name,
            String parent,
            String source,
            BranchConnection connection,
            BranchSettings settings) {
        this.service = service;
        this.name = name;
        this.parent = parent;
        this.source = source;
        this.connection = connection;
        this.settings = settings;
        this.pooled = service.connectionBudget().group();
        this.direct = service.connectionBudget().group();
    }

    /**
     * What the owner of a branch decides when it ends.
     *
     * @param cleanup what happens to the branch at its end, never {@link CleanupMode#DEFAULT}
     * @param poolSize the largest size of its pool, 1 or more
     * @param owner who holds it, for messages (a test's class and method)
     * @param failed whether its owner failed, asked when it ends
     */
    public record BranchSettings(CleanupMode cleanup, int poolSize, String owner, BooleanSupplier failed) {}

    /** The service this branch came from, for tests of how the two end. */
    BranchService service() {
        return service;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String parent() {
        return parent;
    }

    @Override
    public String jdbcUrl() {
        return connection.jdbcUrl();
    }

    @Override
    public String username() {
        return connection.username();
    }

    @Override
    public String password() {
        return connection.password();
    }

    @Override
    public synchronized DataSource dataSource() {
        if (closed) {
            throw new IllegalStateException("The branch " + name + " has been destroyed");
        }
        if (sealed) {
            throw new IllegalStateException("The branch " + name + " has been sealed: it is a template for other "
                    + "branches now, and takes no connections");
        }
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(name);
            // Physical connections are opened as openConnection() opens them: within the run's connection budget,
            // and with the password asked for at every new connection (a provider's password may be a short-lived
            // token).
            config.setDataSource(new ConnectionSource(() -> pooled.open(this::connect)));
            config.setScheduledExecutor(HOUSEKEEPING);
            config.setMaximumPoolSize(settings.poolSize());
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
        }
        return pool;
    }

    @Override
    public Connection openConnection() throws SQLException {
        return direct.open(this::connect);
    }

    private Connection connect() throws SQLException {
        return connection.open();
    }

    /**
     * Opens a connection to this branch once the provider has confirmed, through that very connection, that
     * it leads to a live test branch of this run; for tools that damage data on purpose.
     */
    public Connection openVerifiedConnection() throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The branch " + name + " has been destroyed");
            }
        }
        Connection c = openConnection();
        try {
            service.requireTestBranch(name, c);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public void reset() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The branch " + name + " has been destroyed");
            }
            if (pool != null && pool.getHikariPoolMXBean() != null) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
        }
        service.reset(name, source);
    }

    /**
     * Closes the pool and turns the branch into a template that others are forked from, for an
     * integration that prepares a base of its own (a Spring context's start-up migrations).
     */
    public void seal() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The branch " + name + " has been destroyed");
            }
            sealed = true;
            if (pool != null) {
                retire(pool);
                pool = null;
            }
        }
        service.seal(name);
    }

    /** Whether the branch has been destroyed (or kept) already. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the pool, then deletes the branch or keeps it, as its cleanup mode says. */
    @Override
    public void close() {
        int borrowed = 0;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (pool != null) {
                borrowed = retire(pool);
                pool = null;
            }
        }
        int foreign = direct.openCount();
        if (borrowed > 0 || foreign > 0) {
            LOG.warn(
                    "{} left connections open on branch {}: {} borrowed from its DataSource and never closed, {} "
                            + "opened with openConnection() and still open (sessions still connected: {}). They end when the "
                            + "branch is dropped; close connections in the test, for example with try-with-resources.",
                    settings.owner(),
                    name,
                    borrowed,
                    foreign,
                    String.join("; ", service.openSessions(name)));
        }
        pooled.close();
        direct.close();
        boolean keep = switch (settings.cleanup()) {
            case NEVER -> true;
            case ON_SUCCESS -> settings.failed().getAsBoolean();
            default -> false;
        };
        if (keep) {
            io.github.lakebase.junit.spi.KeptBranch why = new io.github.lakebase.junit.spi.KeptBranch(
                    settings.cleanup() == CleanupMode.NEVER
                            ? io.github.lakebase.junit.spi.KeptBranch.Reason.NEVER
                            : io.github.lakebase.junit.spi.KeptBranch.Reason.FAILED,
                    settings.owner(),
                    parent,
                    java.util.List.of());
            java.util.Optional<java.time.Instant> expiry = service.keep(name, why);
            BaseEvents.kept(new KeptBranch(
                    name,
                    settings.owner(),
                    parent,
                    Redaction.url(connection.jdbcUrl()),
                    connection.username(),
                    expiry));
            String stays = expiry.map(
                            until -> "It expires at " + until + " (lakebase.kept-ttl); drop it sooner when done.")
                    .orElse("It stays until you drop it.");
            if (!service.keepsBranchesAfterExit()) {
                stays = "It goes when this JVM exits, with the server it is on (a container, or the embedded "
                        + "provider's temporary data directory).";
            }
            if (service.reachableAfterExit()) {
                LOG.warn(
                        "Kept branch {} of {} (cleanup = {}). {} To reach it after this run (prints how to "
                                + "connect, the password included, and keeps its server up until interrupted): {}",
                        name,
                        settings.owner(),
                        settings.cleanup(),
                        stays,
                        ReachCommand.connect(name));
            } else {
                LOG.warn(
                        "Kept branch {} of {} (cleanup = {}): connect with {} as user {} (the password is not "
                                + "logged). {}",
                        name,
                        settings.owner(),
                        settings.cleanup(),
                        Redaction.url(connection.jdbcUrl()),
                        connection.username(),
                        stays);
            }
        } else {
            service.destroy(name);
        }
    }

    /**
     * Ends a pool without waiting for HikariCP's shutdown: its idle connections are closed now, so that
     * the branch can be dropped at once, and the rest of the shutdown runs in the background. (HikariCP's
     * shutdown waits for the thread that opens connections, which pauses for about 30 ms after each new
     * connection: a test would pay that pause at every branch it ends.) Connections still borrowed stay
     * open; dropping the branch ends their sessions.
     *
     * @return how many connections were still borrowed
     */
    private int retire(HikariDataSource retired) {
        var bean = retired.getHikariPoolMXBean();
        int borrowed = bean == null ? 0 : bean.getActiveConnections();
        if (bean != null) {
            bean.softEvictConnections();
            try {
                pooled.awaitOpenAtMost(borrowed, IDLE_CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        POOL_CLOSER.execute(retired::close);
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
        return "Branch[" + name + " of " + parent + " at " + Redaction.url(connection.jdbcUrl()) + "]";
    }
}
