package io.github.lakebase.junit.internal.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a base's tables, held to restore branches from: read from a new fork of the base with {@code COPY
 * ... TO STDOUT (FORMAT binary)} into memory, or, where the server can write files for the library ({@link
 * RowFiles}), written by the server itself to a file with {@code COPY ... TO 'file' (FORMAT binary)}; at most
 * {@value #HELD_BYTES} bytes for all bases of a provider together (one per server and configuration a run uses),
 * as a table's rows are counted before they are held: the server adds up their lengths first ({@link
 * RowFiles#beyond}), as their size on disk says little where values are compressed. The smallest tables, up to {@value #EAGER_BYTES} bytes together, are read with the base's
 * first fork; a larger one only once a test has changed it, from a later new fork ({@link #readLater}), so
 * that the rows of a large table no test changes (nor a table linked to it) are never read. A table beyond the
 * bytes held, or whose rows COPY cannot give back as they were, is not held, and a branch whose test changed it
 * is forked anew instead of restored.
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
    /** Where the server writes the rows, or null to hold them in memory. */
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
     * Has the server write rows to {@code files} where it can, else holds them in memory.
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
     * server wrote and reads back ({@code file}, {@link RowFiles}).
     *
     * @param bytes the size of the rows in COPY's binary format
     */
    record Rows(String table, String columns, byte[] data, Path file, long bytes) {

        /** Rows held in memory. */
        static Rows held(String table, String columns, byte[] data) {
            return new Rows(table, columns, data, null, data.length);
        }
    }

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
        var copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (Table t : tables) {
            long room = heldBytes - held.get();
            if (t.size() > room) {
                notHeld.put(t.oid(), beyond);
                continue;
            }
            try {
                if (RowFiles.beyond(c, t, room)) { // before the server writes them all, or sends them
                    notHeld.put(t.oid(), beyond);
                    continue;
                }
            } catch (SQLException e) {
                if (!unreadable(e)) {
                    throw e;
                }
                notHeld.put(t.oid(), "COPY cannot read them (" + e.getMessage() + ")");
                continue;
            }
            if (files != null && toFile(c, t, rows, notHeld)) {
                continue;
            }
            Bounded out = new Bounded(room);
            try {
                copy.copyOut("COPY " + t.name() + t.columns() + " TO STDOUT (FORMAT binary)", out);
            } catch (IOException e) { // beyond the room left
                LOG.debug("Not holding the rows of {}: {}", t.name(), e.getMessage());
                notHeld.put(t.oid(), beyond);
                awaitCancelled(c);
                continue;
            } catch (SQLException e) {
                if (!unreadable(e)) { // the session's failure, not the table's: the caller may read it again later
                    throw e;
                }
                notHeld.put(t.oid(), "COPY cannot read them (" + e.getMessage() + ")");
                continue;
            }
            if (held.addAndGet(out.size()) > heldBytes) {
                held.addAndGet(-out.size());
                notHeld.put(t.oid(), beyond);
                continue;
            }
            rows.put(t.oid(), Rows.held(t.name(), t.columns(), out.toByteArray()));
        }
    }

    /**
     * Has the server write the rows of {@code t} to a file, and holds them there as long as they fit in what is left
     * of the bytes held; says in {@code notHeld} why they are not held.
     *
     * @return false when the server could not write the file: the caller holds the rows in memory
     */
    private boolean toFile(Connection c, Table t, Map<Long, Rows> rows, Map<Long, String> notHeld) throws SQLException {
        Optional<Path> file;
        try {
            file = files.write(c, t);
        } catch (SQLException e) {
            if (!unreadable(e)) {
                throw e;
            }
            notHeld.put(t.oid(), "COPY cannot read them (" + e.getMessage() + ")");
            return true;
        }
        if (file.isEmpty()) {
            return false;
        }
        long size = RowFiles.size(file.get());
        if (held.addAndGet(size) > heldBytes) {
            held.addAndGet(-size);
            files.delete(file.get());
            notHeld.put(t.oid(), beyond);
            return true;
        }
        rows.put(t.oid(), new Rows(t.name(), t.columns(), null, file.get(), size));
        return true;
    }

    /**
     * Checks that the session still works after pgjdbc cancelled a COPY that gave more than the room left. The
     * cancel goes to the server on a connection of its own, and may reach the session only once the COPY has ended:
     * then it cancels the next statement instead ({@code 57014}, query canceled), and that statement is run again.
     */
    private static void awaitCancelled(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (!"57014".equals(e.getSQLState()) || attempt == 3) {
                    throw e;
                }
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

    /** A buffer that refuses to grow beyond a limit, so that reading a table never takes more memory. */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long limit;

        Bounded(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + (long) len > limit) {
                throw new IOException("more than " + limit + " bytes");
            }
            bytes.write(b, off, len);
        }

        int size() {
            return bytes.size();
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
