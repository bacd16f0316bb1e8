package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * How {@link InPlaceRestore} puts a branch's rows back: it empties the tables a test changed, fills them again
 * with their base's rows and sets the sequences back, in one transaction. Rows in files the server reads ({@link
 * RowFiles}) take one round trip for all of it, the commit included; rows in memory take two more per table
 * ({@code COPY ... FROM STDIN}) and one for the commit.
 *
 * <pre>{@code
 * boolean delete = Refill.deletable(held, now, then, false);
 * long[] written = Refill.write(c, List.of(held), List.of(), List.of("setval(16411, 3, true)"), delete, false, null, null);
 * }</pre>
 */
final class Refill {

    /** The most a table's held rows take for it to be emptied with DELETE, in bytes: a few hundred rows. */
    static final int DELETED_BYTES = 64 << 10;
    /** How many dead rows per row of its base a table emptied with DELETE may hold, beyond {@link #DEAD_ROWS}. */
    static final int DEAD_ROWS_PER_ROW = 2;
    /** How many dead rows a table emptied with DELETE may hold whatever its base's rows, an empty one's too. */
    static final long DEAD_ROWS = 64;

    private Refill() {}

    /**
     * Whether a table is emptied with {@code DELETE} rather than {@code TRUNCATE}: when its base's rows take at
     * most {@value #DELETED_BYTES} bytes, no rule runs on its DELETE, and it would then hold few dead rows: those it
     * holds now and those its test inserted (which the DELETE leaves dead, with the base's rows it deletes), together
     * at most {@value #DEAD_ROWS_PER_ROW} per row of its base, plus {@value #DEAD_ROWS}. A TRUNCATE makes new files
     * for the table and its indexes and has every session rebuild what it caches of them; a DELETE of a few rows
     * costs less, but leaves its dead rows, and the test's, for the next tests' reads to step over and prune until a
     * TRUNCATE (or VACUUM) reclaims them. So a table never holds more than about four row versions per row of its
     * base, plus {@value #DEAD_ROWS}, whatever its tests write. A table whose test wrote values stored out of line
     * (in its TOAST table, as chunks) is truncated: a DELETE would leave the chunks dead, as large as the values,
     * for one dead row each. On a 2-core machine, after a test that added 5,000 rows to a table of 100, emptying it
     * with DELETE and filling it again took 2.9 ms against 1.7 ms with a TRUNCATE, and the next test's two reads of it
     * 1.4 against 0.9 ms.
     *
     * @param held the base's rows of the table, or null when they are not held
     * @param now the table as the statistics see it after its test
     * @param then the table as they saw it when the test got its branch
     * @param deleteRule whether a rule would run on its DELETE in the restore's session
     */
    static boolean deletable(BaseRows.Rows held, BranchState.Table now, BranchState.Table then, boolean deleteRule) {
        if (held == null || held.bytes() > DELETED_BYTES || deleteRule || now.toastWrites() != then.toastWrites()) {
            return false;
        }
        // Each row a test updates or deletes leaves one dead row, so what else it wrote it inserted (or so many are
        // rows of an insert rolled back, which are dead already).
        long inserted = Math.max(0, now.writes() - then.writes() - Math.max(0, now.dead() - then.dead()));
        return now.dead() + inserted <= DEAD_ROWS_PER_ROW * held.count() + DEAD_ROWS;
    }

    /**
     * Empties the tables of {@code rows}, fills them again and sets the sequences back, in one transaction.
     *
     * @param c a superuser's connection to the branch, in auto-commit, which it is again afterwards
     * @param rows the base's rows of each table to put back, in the order they are written
     * @param parents the partitioned tables over them, which only a TRUNCATE empties (then {@code delete} is false)
     * @param setval a {@code setval(...)} call for each sequence to set back
     * @param delete whether to empty the tables with DELETE ({@link #deletable} for each), else with TRUNCATE
     * @param replica whether a table has triggers of ordinary sessions (foreign keys make them too), which {@code
     *     session_replication_role = replica} keeps from firing. It is set only then: a change of it has the
     *     session plan every statement again ({@code assign_session_replication_role} in PostgreSQL's {@code
     *     trigger.c} resets the plan cache), among them those the driver prepared for the session's next test
     * @param check a query of one column to run once the refill has committed, in the commit's round trip, as a
     *     statement the server prepares once for the session; null for none
     * @param checked filled with what {@code check} returned
     * @return per table of {@code rows}, in their order, the rows it deleted and copied in: what its statistics
     *     count once the refill has committed (meaningless for tables emptied with TRUNCATE)
     * @throws SQLException when it fails; the transaction is rolled back
     */
    static long[] write(
            Connection c,
            List<BaseRows.Rows> rows,
            List<String> parents,
            List<String> setval,
            boolean delete,
            boolean replica,
            String check,
            List<String> checked)
            throws SQLException {
        // This session's counts are reported as the transaction ends, before the server answers the commit.
        List<String> statements = new ArrayList<>(List.of("SELECT pg_stat_force_next_flush()"));
        if (replica) {
            // Neither foreign keys nor the user's triggers and rules fire for rows put back as they were.
            statements.add(0, "SET LOCAL session_replication_role = replica");
        }
        int deletesAt = statements.size();
        if (!rows.isEmpty() && delete) {
            rows.forEach(r -> statements.add("DELETE FROM ONLY " + r.table()));
        } else if (!rows.isEmpty()) {
            List<String> truncate = new ArrayList<>(parents);
            rows.forEach(r -> truncate.add("ONLY " + r.table()));
            statements.add("TRUNCATE " + String.join(", ", truncate));
        }
        if (!setval.isEmpty()) {
            statements.add("SELECT " + String.join(", ", setval));
        }
        // Rows the server reads from files: the whole refill, the commit and the check in one round trip.
        boolean fromFiles = !rows.isEmpty() && rows.stream().allMatch(r -> r.file() != null);
        int copiesAt = fromFiles ? statements.size() : -1;
        int checkAt = -1;
        if (fromFiles) {
            rows.forEach(r -> statements.add(copyFromFile(r)));
            statements.add("COMMIT");
            if (check != null) {
                checkAt = statements.size();
                statements.add(check);
            }
        }
        c.setAutoCommit(false);
        // The same text after each test that changed the same tables: prepared once for the session.
        try (PreparedStatement s = SessionQueries.prepared(c, String.join("; ", statements))) {
            long[] writes = new long[rows.size()];
            boolean resultSet = s.execute(); // one round trip
            for (int i = 0; resultSet || s.getUpdateCount() != -1; i++, resultSet = s.getMoreResults()) {
                if (resultSet && i == checkAt) {
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            checked.add(rs.getString(1));
                        }
                    }
                } else if (!resultSet && delete && i >= deletesAt && i < deletesAt + rows.size()) {
                    writes[i - deletesAt] += s.getUpdateCount();
                } else if (!resultSet && copiesAt >= 0 && i >= copiesAt && i < copiesAt + rows.size()) {
                    writes[i - copiesAt] += s.getUpdateCount(); // COPY's CommandComplete gives the rows copied
                }
            }
            if (fromFiles) {
                return writes; // committed: the driver saw the transaction end, and returns to auto-commit as is
            }
            for (int i = 0; i < rows.size(); i++) { // some in memory: not every file could be written
                writes[i] += rows.get(i).file() == null ? copyIn(c, rows.get(i)) : copyFromFile(c, rows.get(i));
            }
            if (check == null) {
                c.commit();
            } else {
                // The driver sees the transaction end as the server answers, so it ends auto-commit with no commit.
                checked.addAll(SessionQueries.column(c, "COMMIT; " + check));
            }
            return writes;
        } catch (SQLException | RuntimeException e) {
            c.rollback(); // else the return to auto-commit below would commit what was done
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Copies the rows of {@code rows}'s file into their table; returns the rows copied. */
    private static long copyFromFile(Connection c, BaseRows.Rows rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeLargeUpdate(copyFromFile(rows));
        }
    }

    private static String copyFromFile(BaseRows.Rows rows) {
        return "COPY " + rows.table() + rows.columns() + " FROM " + RowFiles.literal(rows.file()) + " (FORMAT binary)";
    }

    /** How many bytes of a table's rows go to the server in one message of a COPY. */
    static final int COPY_MESSAGE_BYTES = 256 << 10;

    /**
     * Copies {@code rows} into their table, straight from the array that holds them: the driver's copy from a
     * stream allocated a buffer of 64 KB at every call, about a sixth of the restore thread's time in the
     * benchmark's Spring cell (async-profiler, CPU). In messages of at most {@value #COPY_MESSAGE_BYTES} bytes:
     * the server holds a whole message in memory, in a buffer that grows by doubling (a table of 28 MB sent in
     * one raised its process's peak memory from 38 to 65 MB).
     *
     * @return the rows copied
     */
    private static long copyIn(Connection c, BaseRows.Rows rows) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY " + rows.table() + rows.columns() + " FROM STDIN (FORMAT binary)");
        try {
            byte[] data = rows.data();
            for (int at = 0; at < data.length; at += COPY_MESSAGE_BYTES) {
                copy.writeToCopy(data, at, Math.min(COPY_MESSAGE_BYTES, data.length - at));
            }
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
