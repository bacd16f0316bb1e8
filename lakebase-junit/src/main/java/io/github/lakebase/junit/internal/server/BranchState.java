package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a branch's statistics and catalogs say of it, to tell what its test changed: per table, the rows
 * written and its files; for the database, when its statistics were reset, its settings and properties,
 * and its catalogs. Read on a connection to the branch, with PostgreSQL's cumulative statistics
 * ({@code pg_stat_get_tuples_*}), which count a session's writes once it has reported them.
 *
 * <pre>{@code
 * BranchState.Snapshot before = BranchState.read(c, base, null, true, null, Map.of());
 * // ... a test runs, and its sessions end ...
 * BranchState.Snapshot now = BranchState.read(c2, base, before, false, null, Map.of());
 * if (now.classWrites() != before.classWrites()) {
 *     now = now.withRelations(BranchState.relations(c2));
 * }
 * Optional<String> why = BranchState.beyondRows(before, now);
 * }</pre>
 */
final class BranchState {

    private BranchState() {}

    /** The rows the sessions inserted, updated and deleted in the relation {@code c} of a query. */
    private static final String WRITES = writes("c.oid");
    /** The rows a database's sessions wrote to all its relations, as its own statistics count them. */
    private static final String DATABASE_WRITES = "pg_stat_get_db_tuples_inserted(d.oid) + "
            + "pg_stat_get_db_tuples_updated(d.oid) + pg_stat_get_db_tuples_deleted(d.oid)";
    /**
     * What a restore of rows cannot put back, as one line per database: when its statistics were reset, its
     * settings and properties; and how many rows its sessions wrote to all its relations, which tells, against
     * those {@link #TABLES} counts, whether anything else was written ({@link Snapshot#otherWrites()}).
     */
    private static final String DATABASE = "SELECT concat_ws(' ', pg_stat_get_db_stat_reset_time(d.oid), "
            + "(SELECT stats_reset FROM pg_stat_bgwriter)), "
            + "concat_ws(' ', d.datdba, d.datconnlimit, d.datallowconn, d.datistemplate, d.dattablespace, d.datacl, "
            + "(SELECT string_agg(s.setrole || '=' || s.setconfig::text, ' ' ORDER BY s.setrole) "
            + "FROM pg_db_role_setting s WHERE s.setdatabase = d.oid), "
            + "(SELECT count(*) FROM pg_prepared_xacts x WHERE x.database = d.datname), "
            + "(SELECT count(*) FROM pg_replication_slots r WHERE r.database = d.datname), "
            + "(SELECT count(*) FROM pg_subscription s WHERE s.subdbid = d.oid), "
            + "(SELECT count(*) FROM pg_db_role_setting s WHERE array_to_string(s.setconfig, ' ') "
            + "ILIKE '%track_counts%')), " + DATABASE_WRITES + " "
            + "FROM pg_database d WHERE d.datname = current_database()";
    /**
     * How many catalog rows a database's sessions wrote, and how many rows of {@code pg_class} (which a TRUNCATE
     * writes too: {@link #RELATIONS} tells it from a change of the schema). Planner statistics aside, which ANALYZE
     * writes and which hold no data; autovacuum's in-place updates are not counted. About three quarters of a read's
     * cost on the server (one lookup of the statistics per catalog): read only when something other than the tables
     * was written ({@link #read}).
     */
    private static final String CATALOGS = "SELECT (SELECT coalesce(sum(" + WRITES + "), 0) FROM pg_class c "
            + "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared "
            + "AND c.relname NOT IN ('pg_class', 'pg_statistic', 'pg_statistic_ext_data')), "
            + "(SELECT " + WRITES + " FROM pg_class c WHERE c.oid = 'pg_class'::regclass)";
    /**
     * {@code pg_class} without what a TRUNCATE or VACUUM changes in it (a table's files and their size): read
     * only when its rows were written, as it costs about a millisecond of the server's time.
     */
    private static final String RELATIONS = "SELECT md5(string_agg(row(c.oid, c.relname, c.relnamespace, c.reltype, "
            + "c.reloftype, c.relowner, c.relam, c.reltablespace, c.reltoastrelid, c.relisshared, c.relpersistence, "
            + "c.relkind, c.relnatts, c.relchecks, c.relhasrules, c.relhastriggers, c.relrowsecurity, "
            + "c.relforcerowsecurity, c.relispopulated, c.relreplident, c.relispartition, c.relacl, c.reloptions, "
            + "c.relpartbound)::text, ' ' ORDER BY c.oid)) FROM pg_class c";
    /** How many rows of {@code pg_class} the database's sessions wrote, and to all its relations. */
    private static final String CLASS_WRITES = "SELECT " + WRITES + ", (SELECT " + DATABASE_WRITES
            + " FROM pg_database d WHERE d.datname = current_database()) FROM pg_class c "
            + "WHERE c.oid = 'pg_class'::regclass";
    /** Every relation that holds rows of its own: tables, partitions, materialized views. */
    private static final String TABLES = "SELECT c.oid, c.relkind, c.relfilenode, " + WRITES
            + ", pg_stat_get_dead_tuples(c.oid), " + writes("c.reltoastrelid") + " FROM pg_class c "
            + "WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't' "
            + "AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace)";
    /** Every sequence of the database, to read its state from. */
    private static final String SEQUENCES = "SELECT c.oid, format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND c.relpersistence <> 't'";
    /**
     * A relation that holds rows, as a branch's statistics see it.
     *
     * @param writes the rows its sessions inserted, updated and deleted, in all
     * @param dead its dead rows, which VACUUM (or a TRUNCATE) would reclaim
     * @param toastWrites the rows its sessions inserted, updated and deleted in its TOAST table, where values too
     *     large for its pages are stored out of line, in chunks; 0 without one
     */
    record Table(long oid, char kind, long filenode, long writes, long dead, long toastWrites) {}

    /**
     * A branch as it was handed to a test.
     *
     * @param relations what {@link #RELATIONS} read, of this branch or of one whose {@code pg_class} it is known
     *     to share; null when not read
     * @param otherWrites the rows written to relations other than {@code tables} (catalogs, TOAST tables, temporary
     *     and dropped tables): the database's count less the tables' counts. Every count only grows (a reset shows
     *     in {@code resets}), and a session's counts of its relations and of its database are reported together,
     *     the database's last ({@code pgstat_relation_flush_cb} in PostgreSQL's {@code pgstat_relation.c} adds to
     *     the database's pending counts, which {@code pgstat_flush_pending_entries} reports after it): while it is
     *     unchanged, no catalog was written
     */
    record Snapshot(
            String base,
            String resets,
            String settings,
            long catalogWrites,
            long classWrites,
            String relations,
            Map<Long, Table> tables,
            long otherWrites) {

        /**
         * This snapshot, with its tables as {@code tables} says; the database's count is taken to have grown as
         * theirs did.
         */
        Snapshot withTables(Map<Long, Table> tables) {
            return new Snapshot(
                    base, resets, settings, catalogWrites, classWrites, relations, Map.copyOf(tables), otherWrites);
        }

        /**
         * This snapshot as that of a database forked from the same base just now, whose statistics start from
         * nothing: no rows written to anything but its tables, whatever the database this one was read from had.
         */
        Snapshot ofNewFork() {
            return new Snapshot(base, resets, settings, catalogWrites, classWrites, relations, tables, 0);
        }

        /** This snapshot, with {@code relations} read now or known to be those of another snapshot. */
        Snapshot withRelations(String relations) {
            return new Snapshot(base, resets, settings, catalogWrites, classWrites, relations, tables, otherWrites);
        }
    }

    /**
     * Reads the state of the database {@code c} is connected to, and its sequences, in one round trip and one
     * snapshot of the statistics; the writes to its catalogs in a second one, only when something other than its
     * tables was written since {@code known}.
     *
     * @param base the base it was forked from, which the snapshot carries
     * @param known an earlier snapshot of the same database (or of a fork of the same base, whose statistics started
     *     from nothing as this one's did), whose catalog writes are this one's while nothing but the tables was
     *     written; null to read them in any case
     * @param relations whether to read {@link Snapshot#relations()} too
     * @param sequenceQuery what {@link #sequenceQuery} gave, or null to read no sequence
     * @param sequences filled with each sequence's state, as {@link #sequences} gives it
     */
    static Snapshot read(
            Connection c,
            String base,
            Snapshot known,
            boolean relations,
            String sequenceQuery,
            Map<Long, String[]> sequences)
            throws SQLException {
        List<String> queries = new ArrayList<>(List.of(DATABASE, TABLES));
        if (known == null) {
            queries.add(CATALOGS);
        }
        if (relations) {
            queries.add(RELATIONS);
        }
        if (sequenceQuery != null) {
            queries.add(sequenceQuery);
        }
        String resets;
        String settings;
        long databaseWrites;
        Map<Long, Table> tables;
        long[] catalogs = null;
        String md5 = null;
        try (PreparedStatement s = SessionQueries.prepared(c, String.join("; ", queries))) {
            s.execute();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                resets = rs.getString(1);
                settings = rs.getString(2);
                databaseWrites = rs.getLong(3);
            }
            s.getMoreResults();
            try (ResultSet rs = s.getResultSet()) {
                tables = tables(rs);
            }
            if (known == null) {
                s.getMoreResults();
                catalogs = catalogs(s.getResultSet());
            }
            if (relations) {
                s.getMoreResults();
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    md5 = rs.getString(1);
                }
            }
            if (sequenceQuery != null) {
                s.getMoreResults();
                try (ResultSet rs = s.getResultSet()) {
                    sequences.putAll(sequences(rs));
                }
            }
        }
        long otherWrites = otherWrites(databaseWrites, tables);
        if (catalogs == null && otherWrites == known.otherWrites()) {
            catalogs = new long[] {known.catalogWrites(), known.classWrites()};
        } else if (catalogs == null) {
            try (PreparedStatement s = SessionQueries.prepared(c, CATALOGS)) {
                catalogs = catalogs(s.executeQuery());
            }
        }
        return new Snapshot(base, resets, settings, catalogs[0], catalogs[1], md5, tables, otherWrites);
    }

    /** What {@link #CATALOGS} returned, as {@code {catalogWrites, classWrites}}. */
    private static long[] catalogs(ResultSet rs) throws SQLException {
        try (rs) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** {@link Snapshot#otherWrites()}, from the database's count and its tables'. */
    private static long otherWrites(long databaseWrites, Map<Long, Table> tables) {
        long written = databaseWrites;
        for (Table t : tables.values()) {
            written -= t.writes();
        }
        return written;
    }

    /** What {@link Snapshot#relations()} says of the database {@code c} is connected to now. */
    static String relations(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(RELATIONS)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Reads the tables of the database {@code c} is connected to, where the rest is known to be as in {@code
     * now}: after a restore, which writes rows, new files ({@code pg_class} rows too) and sequences only.
     *
     * @param also a query of one column to run in the same round trip, or null
     * @param alsoRows filled with what {@code also} returns
     */
    static Snapshot readTables(Connection c, Snapshot now, String also, List<String> alsoRows) throws SQLException {
        try (PreparedStatement s =
                SessionQueries.prepared(c, TABLES + "; " + CLASS_WRITES + (also == null ? "" : "; " + also))) {
            s.execute();
            Map<Long, Table> tables;
            try (ResultSet rs = s.getResultSet()) {
                tables = tables(rs);
            }
            long classWrites;
            long databaseWrites;
            s.getMoreResults();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                classWrites = rs.getLong(1);
                databaseWrites = rs.getLong(2);
            }
            if (also != null) {
                s.getMoreResults();
                try (ResultSet rs = s.getResultSet()) {
                    while (rs.next()) {
                        alsoRows.add(rs.getString(1));
                    }
                }
            }
            return new Snapshot(
                    now.base(),
                    now.resets(),
                    now.settings(),
                    now.catalogWrites(),
                    classWrites,
                    now.relations(),
                    tables,
                    otherWrites(databaseWrites, tables));
        }
    }

    /** The rows the sessions inserted, updated and deleted in the relation whose oid {@code relation} gives. */
    private static String writes(String relation) {
        return "pg_stat_get_tuples_inserted(" + relation + ") + pg_stat_get_tuples_updated(" + relation + ") + "
                + "pg_stat_get_tuples_deleted(" + relation + ")";
    }

    private static Map<Long, Table> tables(ResultSet rs) throws SQLException {
        Map<Long, Table> tables = new HashMap<>();
        while (rs.next()) {
            Table t = new Table(
                    rs.getLong(1),
                    rs.getString(2).charAt(0),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6));
            tables.put(t.oid(), t);
        }
        return Map.copyOf(tables);
    }

    /**
     * Each sequence's {@code last_value} and {@code is_called}, by its oid: what {@code setval} takes to put it
     * back, and all that decides what {@code nextval} returns next ({@code log_cnt} aside, which only says how
     * many values the write-ahead log holds ahead).
     */
    static Map<Long, String[]> sequences(Connection c, String query) throws SQLException {
        Map<Long, String[]> sequences = new HashMap<>();
        if (query == null) {
            return sequences;
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            return sequences(rs);
        }
    }

    private static Map<Long, String[]> sequences(ResultSet rs) throws SQLException {
        Map<Long, String[]> sequences = new HashMap<>();
        while (rs.next()) {
            sequences.put(rs.getLong(1), new String[] {rs.getString(2), Boolean.toString(rs.getBoolean(3))});
        }
        return sequences;
    }

    /**
     * The query that reads every sequence's state for {@link #sequences}, or null when there is none: the same
     * for every branch whose schema is its base's.
     */
    static String sequenceQuery(Connection c) throws SQLException {
        List<String> selects = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SEQUENCES)) {
            while (rs.next()) {
                selects.add(
                        "SELECT " + rs.getLong(1) + "::bigint, last_value::text, is_called FROM " + rs.getString(2));
            }
        }
        return selects.isEmpty() ? null : String.join(" UNION ALL ", selects);
    }

    /**
     * Why PostgreSQL might not count what a session of this database writes, which a restore relies on, or
     * empty: {@code track_counts} off for the server or this database, or set by any role's setting or any
     * function. (A session that sets it itself cannot be seen; the documentation warns of it.)
     */
    static Optional<String> uncounted(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('track_counts')::boolean, "
                        + "EXISTS (SELECT FROM pg_db_role_setting WHERE array_to_string(setconfig, ' ') "
                        + "ILIKE '%track_counts%'), EXISTS (SELECT FROM pg_proc WHERE array_to_string(proconfig, ' ') "
                        + "ILIKE '%track_counts%')")) {
            rs.next();
            if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                return Optional.of("track_counts is off here, or a role's setting turns it off");
            }
            return rs.getBoolean(3) ? Optional.of("a function turns track_counts off") : Optional.empty();
        }
    }

    /**
     * Why what changed between {@code before} and {@code now} is beyond a restore of rows, if it is.
     *
     * @param before a snapshot whose {@link Snapshot#relations()} was read
     * @param now a later one, whose {@link Snapshot#relations()} was read unless {@code pg_class} has not been
     *     written since {@code before}
     */
    static Optional<String> beyondRows(Snapshot before, Snapshot now) {
        if (!before.resets().equals(now.resets())) {
            return Optional.of("the server's statistics, which tell what its test changed, were reset");
        }
        if (!before.settings().equals(now.settings())) {
            return Optional.of("its test changed the database's settings or properties");
        }
        boolean relationsChanged = before.classWrites() != now.classWrites()
                && (now.relations() == null || !now.relations().equals(before.relations()));
        if (before.catalogWrites() != now.catalogWrites() || relationsChanged) {
            return Optional.of("its test changed the schema or other catalogs");
        }
        if (!before.tables().keySet().equals(now.tables().keySet())) {
            return Optional.of("its test changed which tables there are");
        }
        return Optional.empty();
    }
}
