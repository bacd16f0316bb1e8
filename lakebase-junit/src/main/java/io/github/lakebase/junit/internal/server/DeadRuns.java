package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.Ownership.MARKER;

import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof of life for runs on one server, and the sweep of what dead runs left there. A run holds a
 * session-level advisory lock for its run id as long as it lives; the sweep drops only databases with
 * the library's name prefix whose comment names a run that holds no such lock, and never a kept
 * branch before its recorded expiry (a branch kept for a failed test, after {@code lakebase.kept-ttl};
 * one kept by {@code NEVER} or for a developer has none). A database without the comment, or commented
 * as kept for later runs ({@link TemplateBaseCache}), is never touched here, whatever its name.
 */
final class DeadRuns {

    private static final Logger LOG = LoggerFactory.getLogger(DeadRuns.class);
    /** The first key of a run's advisory lock ("LBJ" in ASCII). */
    static final int LOCK_CLASS = 0x4c424a;
    /** How long {@link #release} waits for the server's answer, in milliseconds. */
    static final int RELEASE_TIMEOUT_MS = 10_000;

    private DeadRuns() {}

    /**
     * Takes the lock that proves {@code runId} alive, on a session that lives as long as the run. Never
     * blocks: another provider of this JVM on the same server may hold the run's lock already, and then it
     * proves this run alive just as well.
     */
    static void proveAlive(Connection session, String runId) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, runKey(runId));
            ps.execute();
        }
    }

    /**
     * Lets go of every lock of the run that {@code session} holds (its proof of life, and the base cache's use
     * locks), before it closes. The session's end releases them too, but only as its backend process exits, after
     * the close has returned: a run that starts right after this one ends, and sweeps, would still find it alive.
     * Waits at most {@value #RELEASE_TIMEOUT_MS} ms for the server: it may be gone, or unreachable.
     */
    static void release(Connection session) throws SQLException {
        session.setNetworkTimeout(Runnable::run, RELEASE_TIMEOUT_MS);
        try (Statement s = session.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        }
    }

    /**
     * Drops what dead runs left on the server of {@code provider}.
     *
     * @return the names of the dropped databases
     */
    static List<String> sweep(AdminSql admin, String runId, BranchNames names) {
        List<String> swept = new ArrayList<>();
        Instant now = Instant.now();
        // One admin connection for the list, the probes of the runs' locks and the drops: a run's other start-up work
        // (the lookup of its base, before its first test) waits for each further one while the pool opens it.
        try (Connection c = admin.connection()) {
            for (String[] candidate : admin.rows(
                    c,
                    "SELECT datname, shobj_description(oid, 'pg_database') FROM "
                            + "pg_database WHERE shobj_description(oid, 'pg_database') LIKE ? ORDER BY datname",
                    MARKER + " run=%")) {
                Optional<LibraryComment> comment = LibraryComment.parse(candidate[1]);
                if (comment.isEmpty() || !candidate[0].startsWith(names.prefix())) {
                    continue;
                }
                String run = comment.get().run();
                boolean kept = comment.get().kind().equals("kept");
                if (run.equals(runId) || (kept && !comment.get().expiredAt(now)) || isAlive(c, run)) {
                    continue;
                }
                try {
                    admin.dropDatabase(c, candidate[0]);
                    swept.add(candidate[0]);
                } catch (RuntimeException e) { // one that cannot be dropped holds up none of the others
                    LOG.warn("Could not drop {}, left by dead run {}: {}", candidate[0], run, e.getMessage());
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not sweep branches of dead runs on {}: {}", admin.describe(), e.getMessage());
        }
        if (!swept.isEmpty()) {
            LOG.info("Swept {} branch(es) left by dead runs on {}: {}", swept.size(), admin.describe(), swept);
        }
        return swept;
    }

    /** Whether {@code run} holds its lock on the server of {@code admin}. */
    static boolean isAlive(AdminSql admin, String run) {
        try (Connection c = admin.connection()) {
            return isAlive(c, run);
        } catch (SQLException e) {
            throw new ProviderException(
                    "Could not tell whether run " + run + " is alive on " + admin.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    private static boolean isAlive(Connection c, String run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid = ?::oid AND objid = ?::oid AND objsubid = 2 AND granted")) {
            ps.setLong(1, LOCK_CLASS & 0xffffffffL);
            ps.setLong(2, runKey(run) & 0xffffffffL);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static int runKey(String runId) {
        return runId.hashCode();
    }
}
