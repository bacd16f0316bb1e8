package io.github.lakebase.junit.internal.server;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a base's tables, held to restore branches from: read from a new fork of the base with {@code COPY
 * ... TO STDOUT (FORMAT binary)}, and held in memory or, where the server can read files the library writes ({@link
 * RowFiles}), in a file; at most {@value #HELD_BYTES} bytes for all bases of a provider together (one per server and
 * configuration a run uses). A table's read stops once its rows are beyond what is left of them: its size on disk
 * says little where values are compressed. The smallest tables, up to {@value #EAGER_BYTES} bytes together, are
 * read with the base's first fork; a larger one only once a test has changed it, from a later new fork ({@link
 * #readLater}), so that the rows of a large table no test changes (nor a table linked to it) are never read. A
 * table beyond the bytes held, or whose rows COPY cannot give back as they were, is not held, and a branch whose
 * test changed it is forked anew instead of restored.
 *
 * <pre>{@code
 * BaseRows reader = new BaseRows();
 * List<BaseRows.Table> later = reader.read(connectionToANewFork, rows, notHeld);
 * reader.readLater(connectionToAnotherNewFork, List.of(later.get(0)), rows, notHeld);
 * }</pre>
 *
 * <p>Thread-safe: forks of different bases are read at once.
 */
final class BaseRows {

    private static final Logger LOG = LoggerFactory.getLogger(BaseRows.class);
    /** The most bytes of base tables held (in memory or in files) to restore from, for all bases together. */
    static final long HELD_BYTES = 64L << 20;
    /**
     * The most bytes of tables (their size on disk, {@code pg_table_size}) that a base's first fork reads the rows
     * of: about as long as a fork of a small base takes (COPY gave 9 MB in 100 to 200 ms on a 2-core machine, a
     * fork of an 18 MB base took 55 ms), which the first tests of a run would otherwise share the machine with.
     */
    static final long EAGER_BYTES = 2L << 20;

    /**
     * The tables whose rows may be held: with their columns for COPY (generated ones left out, which COPY
     * cannot write), the smallest first, and whether an {@code xml} value is anywhere in their columns (also in
     * a domain, an array or a composite type): COPY's output drops an XML declaration ({@code xml_send}), so
     * such rows would not come back as they were, and are not held.
     */
    private static final String CANDIDATES = "SELECT c.oid, format('%I.%I', n.nspname, c.relname), (SELECT "
            + "string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = "
            + "c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), pg_table_size(c.oid), EXISTS ("
            + "WITH RECURSIVE t(oid) AS (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = c.oid "
            + "AND a.attnum > 0 AND NOT a.attisdropped UNION SELECT u.oid FROM t JOIN pg_type y ON y.oid = t.oid, "
            + "LATERAL (SELECT y.typbasetype UNION ALL SELECT y.typelem UNION ALL SELECT a2.atttypid FROM "
            + "pg_attribute a2 WHERE a2.attrelid = y.typrelid AND a2.attnum > 0) u(oid) WHERE u.oid <> 0) "
            + "SELECT FROM t WHERE t.oid = 'xml'::regtype) FROM pg_class c JOIN pg_namespace n ON n.oid = "
            + "c.relnamespace WHERE c.relkind = 'r' AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog', "
            + "'pg_toast') ORDER BY 4, 1";

    private final AtomicLong held = new AtomicLong();
    /** Where rows are written for the server to read, or null to hold them in memory. */
    private final RowFiles files;
    /** The most bytes held, {@link #HELD_BYTES} but in tests. */
    private final long heldBytes;
    /** Why a table is not held when its rows would not fit in what is left of {@link #heldBytes}. */
    private final String beyond;

    /** Holds rows in memory. */
    BaseRows() {
        this(null);
    }

    /**
     * Holds rows in files the server reads ({@code files}) where it can, else in memory.
     *
     * @param files the files of the run, or null to hold rows in memory
     */
    BaseRows(RowFiles files) {
        this(files, HELD_BYTES);
    }

    /**
     * @param files the files of the run, or null to hold rows in memory
     * @param heldBytes the most bytes of rows held, in memory or in files
     */
    BaseRows(RowFiles files, long heldBytes) {
        this.files = files;
        this.heldBytes = heldBytes;
        this.beyond = "they would take more than the " + heldBytes + " bytes held to restore from";
    }

    /**
     * A table's rows as the base holds them, in COPY's binary format: in memory ({@code data}), or in a file the
     * library wrote and the server reads ({@code file}, {@link RowFiles}).
     *
     * @param bytes the size of the rows in COPY's binary format
     * @param count how many rows there are
     */
    record Rows(String table, String columns, byte[] data, Path file, long bytes, long count) {

        /** Rows held in memory. */
        static Rows held(String table, String columns, byte[] data, long count) {
            return new Rows(table, columns, data, null, data.length, count);
        }
    }

    /** What a {@code COPY ... TO STDOUT} gave: its bytes, and how many rows they hold. */
    private record Copied(byte[] data, long count) {}

    /** A table whose rows may be held: its name and columns for COPY, and its size on disk in bytes. */
    record Table(long oid, String name, String columns, long size) {}

    /**
     * Reads the rows of the smallest tables of the database {@code c} is connected to, a new fork of a base,
     * up to {@value #EAGER_BYTES} bytes of them together, into {@code rows}; says in {@code notHeld} why a table
     * is not held.
     *
     * @return the larger tables, the smallest first, whose rows {@link #readLater} reads when a test changed them
     */
    List<Table> read(Connection c, Map<Long, Rows> rows, Map<Long, String> notHeld) throws SQLException {
        List<Table> now = new ArrayList<>();
        List<Table> later = new ArrayList<>();
        long eager = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(CANDIDATES)) {
            while (rs.next()) {
                Table t = new Table(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3) == null ? "" : " (" + rs.getString(3) + ")",
                        rs.getLong(4));
                if (rs.getBoolean(5)) {
                    notHeld.put(t.oid(), "COPY would drop the declarations of its xml values (xml_send)");
                } else if (later.isEmpty() && eager + t.size() <= EAGER_BYTES) {
                    eager += t.size();
                    now.add(t);
                } else {
                    later.add(t);
                }
            }
        }
        readLater(c, now, rows, notHeld);
        return later;
    }

    /**
     * Reads the rows of {@code tables} from {@code c}, a connection to a new fork of their base, into {@code
     * rows}, each as long as it fits in what is left of the bytes held; says in {@code notHeld} why one is not
     * held.
     */
    void readLater(Connection c, List<Table> tables, Map<Long, Rows> rows, Map<Long, String> notHeld)
            throws SQLException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (Table t : tables) {
            long room = heldBytes - held.get();
            if (t.size() > room) {
                notHeld.put(t.oid(), beyond);
                continue;
            }
            Copied copied;
            try {
                copied = copyOut(c, copy, "COPY " + t.name() + t.columns() + " TO STDOUT (FORMAT binary)", room);
            } catch (SQLException e) {
                if (!unreadable(e)) { // the session's failure, not the table's: the caller may read it again later
                    throw e;
                }
                notHeld.put(t.oid(), "COPY cannot read them (" + e.getMessage() + ")");
                continue;
            }
            byte[] data = copied == null ? null : copied.data();
            if (data == null || held.addAndGet(data.length) > heldBytes) {
                if (data != null) {
                    held.addAndGet(-data.length);
                }
                LOG.debug("Not holding the rows of {}: {}", t.name(), beyond);
                notHeld.put(t.oid(), beyond);
                continue;
            }
            Optional<Path> file;
            try {
                file = files == null ? Optional.empty() : files.write(c, data);
            } catch (SQLException | RuntimeException e) {
                held.addAndGet(-data.length);
                throw e;
            }
            rows.put(
                    t.oid(),
                    file.isPresent()
                            ? new Rows(t.name(), t.columns(), null, file.get(), data.length, copied.count())
                            : Rows.held(t.name(), t.columns(), data, copied.count()));
        }
    }

    /**
     * What {@code sql}, a {@code COPY ... TO STDOUT}, gives, or null when it gives more than {@code room} bytes: the
     * COPY is then cancelled, and what the server sent until the cancel reached it is read and dropped, so that the
     * session answers its next statement, not the rest of the COPY. A cancel that reaches the session once the COPY
     * has ended is ignored: the server ignores a cancel while it waits for a statement ({@code ProcessInterrupts} in
     * PostgreSQL's {@code postgres.c}), and pgjdbc's cancel returns once the server has closed its connection, after
     * it signalled the session.
     */
    private static Copied copyOut(Connection c, CopyManager copy, String sql, long room) throws SQLException {
        CopyOut out = copy.copyOut(sql);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (byte[] chunk = out.readFromCopy(); chunk != null; chunk = out.readFromCopy()) {
                if (bytes.size() + (long) chunk.length > room) {
                    c.unwrap(BaseConnection.class).cancelQuery();
                    drain(out);
                    return null;
                }
                bytes.write(chunk, 0, chunk.length);
            }
            return new Copied(bytes.toByteArray(), out.getHandledRowCount());
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
    }

    /** Reads what is left of a cancelled COPY, to its end, or to the error that says it was cancelled. */
    private static void drain(CopyOut out) throws SQLException {
        try {
            while (out.readFromCopy() != null) {
                // dropped
            }
        } catch (SQLException e) {
            if (!"57014".equals(e.getSQLState())) { // query_canceled: the cancel ended it
                throw e;
            }
        }
    }

    /**
     * Whether {@code e} says that COPY cannot give a table's rows at all, whatever the session: a type without a
     * binary output function ({@code aclitem}: 42883, undefined function) or another error of the statement itself
     * (SQLSTATE classes 42, syntax error or access rule violation, and 0A, feature not supported; <a
     * href="https://www.postgresql.org/docs/current/errcodes-appendix.html">PostgreSQL error codes</a>), rather than
     * of the session or the server (a timeout, a cancel, a lost connection).
     */
    static boolean unreadable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("42") || state.startsWith("0A"));
    }

    /** Gives back the room that {@code rows}, read by {@link #read} and no longer held, took. */
    void release(Collection<Rows> rows) {
        held.addAndGet(-rows.stream().mapToLong(Rows::bytes).sum());
        rows.stream().filter(r -> r.file() != null).forEach(r -> files.delete(r.file()));
    }

    /** Deletes the files of the rows held: the run ends. */
    void close() {
        if (files != null) {
            files.deleteOwn();
        }
    }
}
