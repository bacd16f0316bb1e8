package io.github.lakebase.junit.internal.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a base's tables, held in memory to restore branches from: read from a new fork of the base
 * with {@code COPY ... TO STDOUT (FORMAT binary)}, at most {@value #HELD_BYTES} bytes for all bases of a
 * server together, the smallest tables first. A table beyond that, or whose rows COPY cannot give back as
 * they were, is not held, and a branch whose test changed it is forked anew instead of restored.
 *
 * <pre>{@code
 * new BaseRows().read(connectionToANewFork, rows, notHeld);
 * }</pre>
 *
 * <p>Thread-safe: forks of different bases are read at once.
 */
final class BaseRows {

    private static final Logger LOG = LoggerFactory.getLogger(BaseRows.class);
    /** The most bytes of base tables held in memory to restore from, for all bases together. */
    static final long HELD_BYTES = 64L << 20;

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

    /** A table's rows as the base holds them, in COPY's binary format. */
    record Rows(String table, String columns, byte[] data) {}

    /**
     * Reads the rows of the tables of the database {@code c} is connected to, a new fork of a base, into
     * {@code rows}, the smallest table first, as long as they fit; says in {@code notHeld} why a table that
     * could have fit is not held.
     */
    void read(Connection c, Map<Long, Rows> rows, Map<Long, String> notHeld) throws SQLException {
        record Candidate(long oid, String table, String columns, long size, boolean xml) {}
        List<Candidate> candidates = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(CANDIDATES)) {
            while (rs.next()) {
                candidates.add(new Candidate(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3) == null ? "" : " (" + rs.getString(3) + ")",
                        rs.getLong(4),
                        rs.getBoolean(5)));
            }
        }
        var copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (Candidate t : candidates) {
            if (t.xml()) {
                notHeld.put(t.oid(), "COPY would drop the declarations of its xml values (xml_send)");
                continue;
            }
            long room = HELD_BYTES - held.get();
            if (t.size() > room) {
                LOG.debug(
                        "Not holding the rows of {} ({} bytes) and larger tables: beyond {} bytes",
                        t.table(),
                        t.size(),
                        HELD_BYTES);
                return;
            }
            Bounded out = new Bounded(room);
            try {
                copy.copyOut("COPY " + t.table() + t.columns() + " TO STDOUT (FORMAT binary)", out);
            } catch (IOException e) { // beyond the room left, uncompressed: so are the larger tables
                LOG.debug("Not holding the rows of {} and larger tables: {}", t.table(), e.getMessage());
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // pgjdbc cancelled the COPY; the connection must still work
                }
                return;
            } catch (SQLException e) { // a type without a binary format (aclitem): the table is not restored
                notHeld.put(t.oid(), "COPY cannot read them (" + e.getMessage() + ")");
                continue;
            }
            if (held.addAndGet(out.size()) > HELD_BYTES) {
                held.addAndGet(-out.size());
                return;
            }
            rows.put(t.oid(), new Rows(t.table(), t.columns(), out.toByteArray()));
        }
    }

    /** Gives back the room that {@code rows}, read by {@link #read} and no longer held, took. */
    void release(Collection<Rows> rows) {
        held.addAndGet(-rows.stream().mapToLong(r -> r.data().length).sum());
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
