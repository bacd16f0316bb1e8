package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.integration.KeptBranch;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch handed to a test: its connection details, a lazily created HikariCP pool, and its end —
 * deleted or kept according to its {@link CleanupMode} when the JUnit store that holds it closes, or,
 * when it is restored in place, handed back with its pool's connections for a later test.
 */
public final class ManagedBranch implements Branch, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedBranch.class);

    private final BranchService service;
    private final String name;
    private final String parent;
    private final String source;
    private final BranchConnection connection;
    private final BranchSettings settings;
    /** The pool, and its physical connections. */
    private final BranchPool pool;
    /** Connections from {@link #openConnection()}. */
    private final ConnectionBudget.Group direct;

    /** The DataSource handed out, which gives no connection once the branch has ended. */
    private DataSource handed;

    private boolean closed;
    /** Whether it is kept as its owner ended ({@link CleanupMode#NEVER}, or a failure): no later test takes it. */
    private boolean kept;

    private boolean sealed;

    ManagedBranch(
            BranchService service,
            String name,
            String parent,
            String source,
            BranchConnection connection,
            BranchSettings settings) {
        this(service, name, parent, source, connection, settings, null);
    }

    /** @param pool the pool of the test that had the branch before, restored in place; null for a new one */
    ManagedBranch(
            BranchService service,
            String name,
            String parent,
            String source,
            BranchConnection connection,
            BranchSettings settings,
            BranchPool pool) {
        this.service = service;
        this.name = name;
        this.parent = parent;
        this.source = source;
        this.connection = connection;
        this.settings = settings;
        this.pool = pool != null
                ? pool
                : new BranchPool(name, connection, service.connectionBudget().group());
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
        current();
        if (handed == null) {
            handed = new BranchDataSource(this::pool, name);
        }
        return handed;
    }

    /** The pool, while the branch is its test's; its pool may serve a later test once it has ended. */
    private synchronized DataSource pool() throws SQLException {
        try {
            return current();
        } catch (IllegalStateException e) {
            throw ended(e.getMessage(), "DataSource", e);
        }
    }

    /**
     * Why a handle of this branch gives no connection once its test has ended: restored in place, the database may
     * serve a later test under the same name.
     */
    private static SQLException ended(String why, String handle, Throwable cause) {
        return new SQLException(
                why + ": this " + handle + " was handed to a test that has ended. Use the " + handle
                        + " of the running test.",
                "08003",
                cause);
    }

    private DataSource current() {
        if (closed) {
            throw new IllegalStateException("The branch " + name + " has been destroyed");
        }
        if (sealed) {
            throw new IllegalStateException("The branch " + name + " has been sealed: it is a template for other "
                    + "branches now, and takes no connections");
        }
        return pool.dataSource(settings.poolSize());
    }

    /**
     * {@inheritDoc}
     *
     * @throws SQLException also once the branch's test has ended (SQLState {@code 08003}), as {@link #dataSource()}'s
     *     connections do, unless the branch was kept: a branch restored in place serves a later test under the same
     *     name, and a thread its test left must not write to it
     */
    @Override
    public Connection openConnection() throws SQLException {
        requireOpen();
        return BranchDataSource.unlessEnded(direct.open(this::connect), this::requireOpen);
    }

    /** Refuses once its owner has ended, unless it is kept: then it stays under its name for nobody else. */
    private synchronized void requireOpen() throws SQLException {
        if (closed && !kept) {
            throw ended("The branch " + name + " has been destroyed", "Branch", null);
        }
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
        }
        pool.reset(() -> service.reset(name, source));
    }

    /**
     * Opens a session of its pool in the background, for work that connects soon; see {@link
     * BranchPool#connectAhead}.
     */
    public synchronized void connectAhead() {
        if (!closed && !sealed) {
            pool.connectAhead(settings.poolSize(), session -> {});
        }
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
            pool.retire();
        }
        service.seal(name);
    }

    /** Whether the branch has been destroyed (or kept) already. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the pool, then deletes the branch or keeps it, as its cleanup mode says; or, when the branch is to
     * be restored in place and its test left no connection in use, hands it back with its pool still connected.
     */
    @Override
    public void close() {
        boolean keep;
        int borrowed;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            keep = switch (settings.cleanup()) {
                case NEVER -> true;
                case ON_SUCCESS -> settings.failed().getAsBoolean();
                default -> false;
            };
            kept = keep;
            if (!keep && !sealed && direct.openCount() == 0 && pool.idle() && service.giveBack(name, pool)) {
                direct.close();
                return;
            }
            borrowed = pool.end();
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
        direct.close();
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

    @Override
    public String toString() {
        return "Branch[" + name + " of " + parent + " at " + Redaction.url(connection.jdbcUrl()) + "]";
    }
}
