package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RestorableBranches;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the branches of a {@link TemplateBranchProvider} in place: renames a branch whose test has
 * ended, which waits until its sessions are gone, and has {@link InPlaceRestore} put its rows back on a
 * connection of its own. It needs PostgreSQL 15 or later, a superuser, and {@code track_counts} on.
 *
 * <pre>{@code
 * BranchRestores restores = new BranchRestores(admin, provider::connection, created, ownership, c, 18);
 * restores.track("lbj_k3x9q2a_12", "lbj_k3x9q2a_base_1");
 * Optional<BranchConnection> again = restores.restore("lbj_k3x9q2a_12_test", "lbj_k3x9q2a_13");
 * }</pre>
 */
final class BranchRestores implements RestorableBranches {

    private static final Logger LOG = LoggerFactory.getLogger(BranchRestores.class);

    /**
     * The sessions on a database, and whether each is busy (in a transaction, a COPY or a query); autovacuum aside.
     * As text: the driver read a boolean of a prepared statement's result (binary) through a new calendar, about
     * 50 µs of the restore thread's time at every restore.
     */
    private static final String SESSIONS = "SELECT pid::text, (state IS DISTINCT FROM 'idle')::text "
            + "FROM pg_stat_activity WHERE datname = ? AND backend_type <> 'autovacuum worker'";

    private final AdminSql admin;
    private final Function<String, BranchConnection> connections;
    private final Set<String> created;
    private final Ownership ownership;
    private final InPlaceRestore restores = new InPlaceRestore();
    /** The driver's settings of a new connection, by the query string of a branch's URL. */
    private final Map<String, Optional<Properties>> driverSettings = new ConcurrentHashMap<>();

    private final int majorVersion;
    /** Why branches cannot be restored here, or null when they can. */
    private final String cannotRestore;

    /**
     * @param admin the server's admin connections
     * @param connections how to connect to a database of the server as the library's user
     * @param created the run's own databases, which a rename here renames too
     * @param ownership the run's comments on its databases
     * @param c a connection as the library's user, to learn whether restores can work
     * @param majorVersion the server's major version
     */
    BranchRestores(
            AdminSql admin,
            Function<String, BranchConnection> connections,
            Set<String> created,
            Ownership ownership,
            Connection c,
            int majorVersion)
            throws SQLException {
        this.admin = admin;
        this.connections = connections;
        this.created = created;
        this.ownership = ownership;
        this.majorVersion = majorVersion;
        this.cannotRestore = cannotRestore(c, majorVersion);
    }

    private static String cannotRestore(Connection c, int majorVersion) throws SQLException {
        if (majorVersion < 15) {
            return "PostgreSQL " + majorVersion + " cannot report a session's statistics on demand (15 and later can)";
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper, current_setting('track_counts')::boolean "
                        + "FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return "the user the library connects with is not a superuser, which restoring rows without firing "
                        + "triggers needs (session_replication_role)";
            }
            return rs.getBoolean(2)
                    ? null
                    : "the server does not count what sessions write (track_counts is off), which tells what a test "
                            + "changed";
        }
    }

    @Override
    public Optional<String> cannotRestore() {
        return Optional.ofNullable(cannotRestore);
    }

    /**
     * Reads the branch's statistics and sequences; from a base's first branch also the base's schema and the rows of
     * its smallest tables, and from a later one the rows of the tables that restores found changed and not read.
     */
    @Override
    public void track(String name, String base) {
        requireOwn(name);
        if (restores.refuses(base)) { // said once, when its first branch was read; not read again
            throw new ProviderException("Branches of " + base + " are not restored in place", null);
        }
        // A login event trigger (PostgreSQL 17 and later) would write to the branch as the library connects.
        if (majorVersion >= 17
                && !admin.query("SELECT datname FROM pg_database WHERE datname = ? AND dathasloginevt", name)
                        .isEmpty()) {
            restores.refuse(base);
            throw new ProviderException("Branch " + name + " has a login event trigger, which reading it fires", null);
        }
        try (Connection c = connections.apply(name).open()) {
            restores.track(name, base, c);
        } catch (SQLException e) {
            throw new ProviderException("Could not read branch " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean wantsRead(String base) {
        return restores.wantsRead(base);
    }

    @Override
    public boolean trackFork(String name, String base) {
        requireOwn(name);
        return restores.trackFork(name, base);
    }

    /**
     * Ends the sessions still on the branch and renames it, which waits until they have gone (their statistics
     * are reported as they end), then restores it on a connection of its own, and waits for that one to go too,
     * so that the test that claims it need not.
     */
    @Override
    public Optional<BranchConnection> restore(String name, String spare) {
        requireOwn(name);
        awaitNoSessions(name);
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                + AdminSql.literal(name) + " AND pid <> pg_backend_pid(); ALTER DATABASE " + AdminSql.quote(name)
                + " RENAME TO " + AdminSql.quote(spare) + "; COMMENT ON DATABASE " + AdminSql.quote(spare) + " IS "
                + ownership.literal("spare"));
        renamed(name, spare);
        Optional<String> why;
        try (Connection c = connections.apply(spare).open()) {
            why = restores.restore(spare, c);
        } catch (SQLException e) {
            restores.forget(spare);
            why = Optional.of("it failed: " + e.getMessage());
        }
        awaitNoSessions(spare);
        if (why.isPresent()) {
            LOG.debug("Branch {} (now {}) is not restored in place: {}", name, spare, why.get());
            return Optional.empty();
        }
        return Optional.of(connections.apply(spare));
    }

    /**
     * Refuses when a session is busy; else resets each session (what {@code DISCARD ALL} does) and has it report
     * what it wrote ({@code pg_stat_force_next_flush()}, done before the server answers), in one round trip per
     * session; waits, when the admin's one look at the database found others, until no other session is connected
     * (one that has ended reported its writes before it left {@code pg_stat_activity}: a backend's exit runs
     * {@code pgstat_shutdown_hook}, a {@code before_shmem_exit} callback, before {@code pgstat_beshutdown_hook},
     * an {@code on_shmem_exit} one; PostgreSQL's {@code pgstat.c}, {@code backend_status.c}), restores the
     * branch on the first session, and checks that no session connected meanwhile.
     */
    @Override
    public boolean restoresConnected() {
        return true;
    }

    /** Runs a restore's read of the branch's state on {@code session}, prepared as a restore prepares it. */
    @Override
    public void prepareSession(String name, Connection session) throws SQLException {
        requireOwn(name);
        restores.prepare(name, session);
    }

    @Override
    public Optional<String> restoreConnected(String name, List<Connection> sessions) {
        return restoreConnected(name, sessions, true);
    }

    /**
     * As {@link #restoreConnected(String, List)}; where no code reached the driver behind the sessions, their
     * drivers tell whether one is in a transaction (none can be in a COPY), and the first session's reset asks
     * the server in the same round trip whether other sessions are on the branch, instead of a look of the
     * admin's: in the benchmark's Spring cell that look cost the restore thread about a third of a millisecond and
     * woke a third server process at every restore.
     */
    @Override
    public Optional<String> restoreConnected(String name, List<Connection> sessions, boolean driverReached) {
        requireOwn(name);
        Connection c = sessions.get(0);
        List<Integer> pids = new ArrayList<>();
        Properties initial;
        boolean busy = false;
        try {
            for (Connection session : sessions) {
                BaseConnection driver = session.unwrap(BaseConnection.class);
                pids.add(driver.getBackendPID()); // known to the driver: no round trip
                busy |= driver.getTransactionState() != TransactionState.IDLE;
            }
            initial = driverSettings(connections.apply(name).jdbcUrl());
        } catch (SQLException e) {
            return Optional.of("its sessions cannot be told apart: " + e.getMessage());
        }
        String others = KeptSessions.othersQuery(pids);
        boolean othersOn = true; // unless the admin's look says otherwise
        if (driverReached) {
            // A session left in a transaction cannot be reset, nor one in a COPY, whose driver would hold every
            // later statement for good: the renaming path ends them. The same round trip tells whether others are on
            // it.
            List<String[]> on = admin.rows(SESSIONS, name);
            Set<String> own = pids.stream().map(String::valueOf).collect(Collectors.toSet());
            busy |= on.stream().anyMatch(row -> own.contains(row[0]) && row[1].equals("true"));
            othersOn = on.stream().anyMatch(row -> !own.contains(row[0]));
        }
        if (initial == null || busy) {
            return Optional.of("a session of its pool is in a transaction or a COPY");
        }
        try {
            for (Connection session : sessions) {
                othersOn &= KeptSessions.reset(session, session == c && !driverReached ? others : null);
                KeptSessions.resetDriver(session, initial);
            }
            if (othersOn && !KeptSessions.awaitOnly(c, others)) {
                return Optional.of("a session other than its pool's is still connected");
            }
            Optional<String> why = restores.restore(name, c, others);
            if (why.isPresent()) {
                restores.forget(name);
            }
            return why; // the restore set nothing beyond its transaction (SET LOCAL): the session stays as new
        } catch (SQLException e) {
            restores.forget(name);
            return Optional.of("it failed: " + e.getMessage());
        }
    }

    /**
     * The driver's settings of a new connection to {@code url}, parsed once per query string of the URLs (which
     * gives them, and which every branch of a server shares): pgjdbc's {@code parseURL} cost about a tenth of a
     * millisecond of the restore thread's time at every restore. Only what the query string gives may be read
     * from the result (prepare threshold, fetch size, autosave): its database is the first branch's. Null when
     * the driver cannot read the URL.
     */
    private Properties driverSettings(String url) {
        int query = url.indexOf('?');
        return driverSettings
                .computeIfAbsent(
                        query < 0 ? "" : url.substring(query + 1),
                        q -> Optional.ofNullable(org.postgresql.Driver.parseURL(url, new Properties())))
                .orElse(null);
    }

    /** Notes that the run's database {@code from} is now called {@code to}. */
    void renamed(String from, String to) {
        created.remove(from);
        created.add(to);
        restores.renamed(from, to);
    }

    /** Forgets what is known of {@code name}, which has been dropped. */
    void forget(String name) {
        restores.forget(name);
    }

    private void requireOwn(String name) {
        if (!created.contains(name)) {
            throw new ProviderException("Refusing to restore " + name + ": it was not created by this run", null);
        }
    }

    /**
     * Waits, for at most a second, until the sessions of {@code name} that are ending have gone from {@code
     * pg_stat_activity}. A rename waits for them itself, in steps of 100 ms ({@code CountOtherDBBackends} in
     * PostgreSQL's {@code procarray.c}), which is what it guarantees that matters; this keeps a session that was
     * closing a moment ago from costing a whole step.
     */
    private void awaitNoSessions(String name) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!admin.query("SELECT pid FROM pg_stat_activity WHERE datname = ?", name)
                        .isEmpty()
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
