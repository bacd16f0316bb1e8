package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RestorableBranches;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.AutoSave;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the branches of a {@link TemplateBranchProvider} in place: renames a branch whose test has
 * ended, which waits until its sessions are gone, and has {@link InPlaceRestore} put its rows back on a
 * connection of its own. It needs PostgreSQL 15 or later, a superuser, and {@code track_counts} on.
 *
 * <pre>{@code
 * BranchRestores restores = new BranchRestores(admin, provider::connection, created, ownership, c, 18, null);
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
    /**
     * What {@code DISCARD ALL} does, as the statements the PostgreSQL documentation gives as its equivalent (<a
     * href="https://www.postgresql.org/docs/current/sql-discard.html">DISCARD</a>), which unlike it may run in
     * one query string, with the request that the session report its writes, which a restore reads: one round
     * trip. Two differences, so that the next test does not parse and plan its queries again. Of the prepared
     * statements, those made with SQL {@code PREPARE} go ({@code from_sql} in <a
     * href="https://www.postgresql.org/docs/current/view-pg-prepared-statements.html">pg_prepared_statements</a>),
     * and those the driver prepared for itself stay, as in any pool's session. And cached plans stay ({@code
     * DISCARD PLANS} is left out): a plan is not something a test can see, and PostgreSQL plans a statement
     * again when what it reads changes (a table truncated, a setting of the planner reset). The driver goes on
     * using its statements: it drops them only on seeing {@code DEALLOCATE ALL} or {@code DISCARD ALL}, and the
     * schema is the base's as before. The statements made with {@code PREPARE} are listed, and deallocated in a
     * second round trip when there are any. The reset is itself prepared once for the session, as the driver's
     * statements are: in the benchmark's Spring cell, its query of {@code pg_prepared_statements} took the server
     * 86 µs a restore when planned each time, and 35 µs prepared.
     */
    private static final String RESET = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; "
            + "SELECT quote_ident(name) FROM pg_prepared_statements WHERE from_sql; "
            + "UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES; "
            + "SELECT pg_stat_force_next_flush()";

    private final AdminSql admin;
    private final Function<String, BranchConnection> connections;
    private final Set<String> created;
    private final Ownership ownership;
    private final InPlaceRestore restores;
    private final RowFiles files;
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
     * @param files where the bases' rows are written for the server to read, or null to hold them in memory
     */
    BranchRestores(
            AdminSql admin,
            Function<String, BranchConnection> connections,
            Set<String> created,
            Ownership ownership,
            Connection c,
            int majorVersion,
            RowFiles files)
            throws SQLException {
        this.restores = new InPlaceRestore(files);
        this.files = files;
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

    /** Deletes the files of dead runs' rows ({@link RowFiles#sweep}). */
    void sweep() {
        if (files != null) {
            files.sweep(run -> DeadRuns.isAlive(admin, run));
        }
    }

    /** Deletes the files of this run's rows: it ends. */
    void close() {
        restores.close();
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
        requireOwn(name);
        Connection c = sessions.get(0);
        List<Integer> pids = new ArrayList<>();
        Properties initial;
        try {
            for (Connection session : sessions) {
                pids.add(session.unwrap(PGConnection.class).getBackendPID()); // known to the driver: no round trip
            }
            initial = driverSettings(connections.apply(name).jdbcUrl());
        } catch (SQLException e) {
            return Optional.of("its sessions cannot be told apart: " + e.getMessage());
        }
        // A session left in a transaction cannot be reset, nor one in a COPY, whose driver would hold every later
        // statement for good: the renaming path ends them. The same round trip tells whether others are on it.
        List<String[]> on = admin.rows(SESSIONS, name);
        Set<String> own = pids.stream().map(String::valueOf).collect(Collectors.toSet());
        if (initial == null || on.stream().anyMatch(row -> own.contains(row[0]) && row[1].equals("true"))) {
            return Optional.of("a session of its pool is in a transaction or a COPY");
        }
        boolean othersOn = on.stream().anyMatch(row -> !own.contains(row[0]));
        try {
            for (Connection session : sessions) {
                reset(session);
                resetDriver(session, initial);
            }
            String others = othersQuery(pids);
            if (othersOn && !awaitOnly(c, others)) {
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

    /** Runs {@link #RESET} on {@code session}, and deallocates the statements a test made with {@code PREPARE}. */
    private static void reset(Connection session) throws SQLException {
        List<String> prepared = new ArrayList<>();
        try (PreparedStatement s = SessionQueries.prepared(session, RESET)) {
            boolean rows = s.execute();
            for (int i = 0; !rows && i < 3; i++) { // the results of CLOSE, SET and RESET come first
                rows = s.getMoreResults();
            }
            if (!rows) {
                throw new SQLException("The reset of a session did not list its prepared statements");
            }
            try (ResultSet rs = s.getResultSet()) {
                while (rs.next()) {
                    prepared.add("DEALLOCATE " + rs.getString(1));
                }
            }
        }
        if (!prepared.isEmpty()) {
            try (Statement s = session.createStatement()) {
                s.execute(String.join("; ", prepared));
            }
        }
    }

    /**
     * Puts back what the driver keeps of a session (its settings of a connection, the notifications it has not
     * handed out) to what the branch's URL gives a new connection; HikariCP resets the rest (auto-commit,
     * isolation, read-only, catalog, schema, network timeout).
     *
     * <p>The notifications are taken from the driver's queue only. The reset's {@code UNLISTEN *} has committed,
     * so the server sends the session no more (<a href="https://www.postgresql.org/docs/current/sql-unlisten.html"
     * >UNLISTEN</a>), and the driver queued every one it had sent before while it read the reset's results, which
     * come after them on the socket. {@code PGConnection.getNotifications()} would also look at the socket, which
     * waits a millisecond when nothing is there (pgjdbc's {@code PGStream.hasMessagePending}): at every restore.
     */
    private static void resetDriver(Connection session, Properties initial) throws SQLException {
        PGConnection driver = session.unwrap(PGConnection.class);
        session.unwrap(BaseConnection.class).getQueryExecutor().getNotifications();
        driver.setPrepareThreshold(PGProperty.PREPARE_THRESHOLD.getInt(initial));
        driver.setDefaultFetchSize(PGProperty.DEFAULT_ROW_FETCH_SIZE.getInt(initial));
        driver.setAutosave(AutoSave.of(PGProperty.AUTOSAVE.getOrDefault(initial)));
        session.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
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

    /**
     * The query of the sessions on a branch other than {@code pids}, autovacuum's aside (they write no rows): the
     * same text after every test of a pool (its pids in order), so that the server prepares it once for the session.
     */
    private static String othersQuery(List<Integer> pids) {
        return "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type "
                + "<> 'autovacuum worker' AND pid NOT IN ("
                + pids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }

    /** Waits, for at most a second, until {@code others} ({@link #othersQuery}) finds no session on the branch. */
    private static boolean awaitOnly(Connection c, String others) throws SQLException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!SessionQueries.column(c, others).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
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
