package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link InPlaceRestore} knows of a base: its sequences, the rows held of its tables, and what its schema
 * says a restore must do, read once from one of its new forks (a branch whose schema changed is never restored,
 * so every branch restored has these). One fork reads it; the others are noted meanwhile without waiting for
 * that read (a test may be waiting for a fork), and are not restored until it is done ({@link #read()}). The
 * rows of its larger tables are read later ({@link BaseRows}): a restore that finds a table not read yet asks
 * for it ({@link #want}), and the next spare forked reads it ({@link #readWanted}).
 *
 * <pre>{@code
 * PristineBase base = new PristineBase();
 * if (base.startReading()) {
 *     base.read(connection, reader);       // another fork may read it again should this read fail
 * }
 * PristineBase.Read known = base.read();   // in a restore: READING while a fork reads it
 * if (base.want(oid)) { ... }              // in a restore: the table's rows are read from a later fork
 * base.readWanted(anotherConnection, reader);
 * }</pre>
 */
final class PristineBase {

    /** What a refill fails with when a file of the rows held is gone or unreadable: see {@link #lostFiles}. */
    private static final Set<String> FILE_FAILURES = Set.of("58P01", "58030", "22P04");

    /** Which tables must be truncated with which: those whose foreign keys point at it, and partitions. */
    private static final String LINKS = "SELECT con.confrelid, con.conrelid, c.relkind = 'p' FROM pg_constraint con "
            + "JOIN pg_class c ON c.oid = con.conrelid WHERE con.contype = 'f' "
            + "UNION ALL SELECT i.inhparent, i.inhrelid, c.relkind = 'p' FROM pg_inherits i "
            + "JOIN pg_class c ON c.oid = i.inhrelid";

    /** Each sequence's last value and whether it was called. */
    final Map<Long, String[]> sequences = new HashMap<>();
    /** What reads the sequences of a branch; null when there are none. */
    String sequenceQuery;
    /** The tables that must be truncated with a table, by its oid. */
    final Map<Long, List<Long>> links = new HashMap<>();
    /** The partitioned tables among them, which PostgreSQL truncates only with all their partitions. */
    final Set<Long> partitioned = new TreeSet<>();
    /** Triggers that would fire while rows are restored, by their table's oid. */
    final Map<Long, String> firing = new HashMap<>();
    /**
     * Tables with a trigger of ordinary sessions (enabled ORIGIN, as {@code CREATE TRIGGER} and foreign keys
     * make them), which a restore keeps from firing with {@code session_replication_role = replica}.
     */
    final Set<Long> triggered = new TreeSet<>();
    /** Tables with any trigger that is not disabled, internal ones (of foreign keys) included. */
    final Set<Long> anyTrigger = new TreeSet<>();
    /** Tables with a rule that a DELETE would run while rows are restored, which are truncated instead. */
    final Set<Long> deleteRules = new TreeSet<>();
    /** Tables with a rule that a DELETE runs in ordinary sessions only (enabled ORIGIN). */
    final Set<Long> originDeleteRules = new TreeSet<>();
    /** The rows of each table held, by the table's oid; tables read later are added while restores read it. */
    final Map<Long, BaseRows.Rows> rows = new ConcurrentHashMap<>();
    /** Why the rows of a table are not held, by its oid, for tables that could not be read. */
    final Map<Long, String> notHeld = new ConcurrentHashMap<>();
    /** The tables whose rows are read once a test changed them and not read yet, by their oid; guarded by this. */
    private final Map<Long, BaseRows.Table> unread = new HashMap<>();
    /** The tables of {@link #unread} a restore asked for, which the next spare forked reads; guarded by this. */
    private final Set<Long> wanted = new TreeSet<>();
    /** The tables of {@link #unread} a fork is reading now; guarded by this. */
    private final Set<Long> claimed = new TreeSet<>();
    /** The state of a new fork, which every new fork of the base shares; null until one was noted. */
    volatile BranchState.Snapshot fork;

    /** Whether the base has been read; guarded by {@code this}. */
    private boolean read;
    /** Whether a fork is reading it now; guarded by {@code this}. */
    private boolean reading;

    /**
     * Claims the read for the caller, when nobody read the base or is reading it (a failed read may be tried
     * again by a later fork).
     *
     * @return whether the caller reads it, with {@link #read}
     */
    synchronized boolean startReading() {
        if (read || reading) {
            return false;
        }
        reading = true;
        return true;
    }

    /**
     * Reads the base from {@code c}, a connection to a new fork of it that nobody else uses: its sequences, its
     * schema, and the rows of its smallest tables ({@link BaseRows#read}); notes its larger tables, whose rows a
     * later fork reads once a restore wants them ({@link #want}). Ends the read
     * claimed with {@link #startReading}, done or failed.
     *
     * @throws SQLException when the fork cannot be read; the base stays unread
     */
    void read(Connection c, BaseRows reader) throws SQLException {
        boolean done = false;
        try {
            sequenceQuery = BranchState.sequenceQuery(c);
            sequences.putAll(BranchState.sequences(c, sequenceQuery));
            readSchema(c);
            List<BaseRows.Table> later = reader.read(c, rows, notHeld);
            synchronized (this) {
                later.stream() // a table with a trigger that fires during a restore is never restored: never read
                        .filter(t -> !firing.containsKey(t.oid()))
                        .forEach(t -> unread.put(t.oid(), t));
            }
            done = true;
        } finally {
            synchronized (this) {
                if (!done) { // as if never read: the next fork noted reads it again, from scratch
                    reader.release(rows.values());
                    List.of(sequences, links, firing, rows, notHeld, unread).forEach(Map::clear);
                    List.of(partitioned, triggered, anyTrigger, deleteRules, originDeleteRules, wanted, claimed)
                            .forEach(Set::clear);
                    sequenceQuery = null;
                    fork = null;
                }
                reading = false;
                read = done;
            }
        }
    }

    /** Whether the base has been read, or a fork is reading it: then a new fork need not read it. */
    synchronized boolean readOrReading() {
        return read || reading;
    }

    /** Whether tables are wanted ({@link #want}) that no fork reads yet. */
    synchronized boolean wantsRead() {
        return !wanted.isEmpty();
    }

    /**
     * Asks for the rows of the table {@code oid}, which a test changed, to be read from the next spare forked,
     * if they are to be read later and not read yet.
     *
     * @return whether they are (or are being) read later: a restore that needs them now forks anew instead
     */
    synchronized boolean want(long oid) {
        if (!unread.containsKey(oid)) {
            return false;
        }
        if (!claimed.contains(oid)) {
            wanted.add(oid);
        }
        return true;
    }

    /**
     * Reads the rows of the tables wanted ({@link #want}) from {@code c}, a connection to a new fork of the base
     * that nobody else uses; a table whose read fails is wanted again by the next restore that needs it.
     */
    void readWanted(Connection c, BaseRows reader) throws SQLException {
        List<BaseRows.Table> tables = new ArrayList<>();
        synchronized (this) {
            wanted.forEach(oid -> tables.add(unread.get(oid)));
            claimed.addAll(wanted);
            wanted.clear();
        }
        if (tables.isEmpty()) {
            return;
        }
        try {
            reader.readLater(c, tables, rows, notHeld);
        } finally {
            synchronized (this) {
                for (BaseRows.Table t : tables) {
                    claimed.remove(t.oid());
                    if (rows.containsKey(t.oid()) || notHeld.containsKey(t.oid())) {
                        unread.remove(t.oid());
                    }
                }
            }
        }
    }

    /**
     * Why a refill from {@code used} that failed with {@code e} did, when a file of the rows held is gone or no
     * longer in COPY's binary format (deleted or changed behind the run's back; SQLSTATE {@code 58P01}
     * undefined_file, {@code 58030} io_error, {@code 22P04} bad_copy_file_format). Then forgets those of {@code used}
     * held in files, unless rows read since replaced them, and gives back what they held; the next spare forked
     * reads those tables again ({@link #readWanted}). A file changed but still in COPY's format (cut at a row's end,
     * a value rewritten) is not noticed: whoever can write it can write the server's own files too.
     *
     * @param used the rows the refill used, by their table's oid
     * @return why, or empty when {@code e} is another failure, or none of {@code used} is held in a file
     */
    Optional<String> lostFiles(SQLException e, Map<Long, BaseRows.Rows> used, BaseRows reader) {
        if (!FILE_FAILURES.contains(String.valueOf(e.getSQLState()))
                || used.values().stream().allMatch(r -> r.file() == null)) {
            return Optional.empty();
        }
        List<BaseRows.Rows> released = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Long, BaseRows.Rows> u : used.entrySet()) {
                long oid = u.getKey();
                BaseRows.Rows r = u.getValue();
                if (r.file() != null && rows.remove(oid, r)) {
                    released.add(r);
                    unread.put(oid, new BaseRows.Table(oid, r.table(), r.columns(), r.bytes()));
                    if (!claimed.contains(oid)) {
                        wanted.add(oid);
                    }
                }
            }
        }
        reader.release(released);
        return Optional.of("a file of its base's rows is gone or unreadable ("
                + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                + "): the next spare forked reads them again");
    }

    /**
     * {@code changed} and every table that must be truncated with them, keeping only tables with rows; the
     * partitioned tables among them, which PostgreSQL truncates only with all their partitions, go to {@code
     * parents}.
     */
    Set<Long> linked(Set<Long> changed, Map<Long, BranchState.Table> tables, Set<Long> parents) {
        if (changed.isEmpty()) {
            return changed;
        }
        Set<Long> all = new TreeSet<>(changed);
        Deque<Long> next = new ArrayDeque<>(changed);
        while (!next.isEmpty()) {
            for (Long linked : links.getOrDefault(next.pop(), List.of())) {
                if (all.add(linked)) {
                    next.push(linked);
                }
            }
        }
        Set<Long> among = new TreeSet<>(partitioned);
        among.retainAll(all);
        parents.addAll(among);
        all.retainAll(tables.keySet());
        return all;
    }

    /** Whether the base has been read, is being read, or is not (never read, or its read failed); never waits. */
    synchronized Read read() {
        return reading ? Read.READING : read ? Read.READ : Read.UNREAD;
    }

    /** What {@link #read()} says. */
    enum Read {
        /** Read: restores can use it. */
        READ,
        /** A fork is reading it now. */
        READING,
        /** Not read: never, or its read failed (the next fork noted reads it again). */
        UNREAD
    }

    /**
     * Reads which tables are truncated with which, which have triggers that {@code session_replication_role =
     * replica} keeps from firing (those of ordinary sessions, enabled ORIGIN), and which triggers would fire even
     * so (enabled ALWAYS or REPLICA).
     */
    private void readSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(LINKS)) {
                while (rs.next()) {
                    links.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2));
                    if (rs.getBoolean(3)) {
                        partitioned.add(rs.getLong(2));
                    }
                }
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT tgrelid, tgname || ' on ' || tgrelid::regclass, tgenabled = 'O', "
                            + "tgisinternal FROM pg_trigger WHERE tgenabled <> 'D'")) {
                while (rs.next()) {
                    anyTrigger.add(rs.getLong(1));
                    if (rs.getBoolean(3)) {
                        triggered.add(rs.getLong(1));
                    } else if (!rs.getBoolean(4)) {
                        firing.putIfAbsent(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT ev_class, ev_enabled = 'O' FROM pg_rewrite WHERE ev_type = '4' AND ev_enabled <> 'D'")) {
                while (rs.next()) {
                    (rs.getBoolean(2) ? originDeleteRules : deleteRules).add(rs.getLong(1));
                }
            }
        }
    }
}
