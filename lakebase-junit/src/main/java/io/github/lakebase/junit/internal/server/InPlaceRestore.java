package io.github.lakebase.junit.internal.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a branch back to the state of its base in place, when its test changed only rows and sequences:
 * the tables it wrote to are truncated and filled again from a copy of the base's rows, and its sequences
 * set back. What a restore of rows cannot put back (any change to the schema or the catalogs, to the
 * database's settings, a materialized view, a trigger that fires during the restore) makes the branch
 * unrestorable: the caller drops it and forks a new one.
 *
 * <p>What a test changed is read from PostgreSQL's cumulative statistics ({@code pg_stat_get_tuples_*},
 * <a href="https://www.postgresql.org/docs/current/monitoring-stats.html">the cumulative statistics
 * system</a>), which a session reports when it ends: every row a test inserted, updated or deleted, also in
 * a transaction rolled back, and a new {@code relfilenode} for a table truncated or rewritten. The counts are
 * read only once every session of the test has ended, and compared with those noted when the branch was
 * handed out. A reset of the statistics (a crash of a server process resets them all, {@code pg_stat_reset()}
 * those of one database) shows in their reset times, and then nothing is known: the branch is unrestorable.
 *
 * <p>The base's rows come from new forks of it (a new fork is the base's state), read with {@code COPY ... TO
 * STDOUT (FORMAT binary)} and held in memory, or in files the server reads ({@link RowFiles}; a file gone is read
 * again), at most {@value BaseRows#HELD_BYTES} bytes for all bases; a table beyond that is never restored in place.
 * The first fork noted reads the smallest tables, up to {@value BaseRows#EAGER_BYTES} bytes of them; a larger table
 * is read only once a test has changed it: that branch is refused, and the next spare forked reads the table, so
 * that the rows of a large table no test changes are never read. Forks noted while a read goes on wait for it
 * neither when noted nor when restored: a branch given back before the read is done is refused, and its caller
 * forks anew ({@link PristineBase}). A fork takes about as long as reading 1 to 3 MB of rows (55 to 70 ms against
 * 100 to 200 ms for the 9 MB of the benchmark's largest table on a 2-core machine), and the first tests of a run
 * would otherwise wait for the read, or share the machine with it.
 *
 * <pre>{@code
 * restore.track(spare, base, connection);             // a new fork, before a test takes it
 * Optional<String> why = restore.restore(spare, connection);   // after its test: empty once restored
 * }</pre>
 *
 * <p>Thread-safe: branches are restored concurrently, each by one thread at a time.
 */
final class InPlaceRestore {

    private static final Logger LOG = LoggerFactory.getLogger(InPlaceRestore.class);

    /** The state of each branch handed out, by its current name. */
    private final Map<String, BranchState.Snapshot> tracked = new ConcurrentHashMap<>();
    /** What each base holds, by its name. */
    private final Map<String, PristineBase> bases = new ConcurrentHashMap<>();

    private final BaseRows reader;
    /** Bases whose branches are never restored, said by {@link #refuse}. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    /**
     * @param files where the bases' rows are written for the server to read, or null to hold them in memory
     */
    InPlaceRestore(RowFiles files) {
        this.reader = new BaseRows(files);
    }

    /** Deletes the files of the bases' rows: the run ends. */
    void close() {
        reader.close();
    }

    /**
     * Notes the state of {@code branch}, forked from {@code base} just now; from the first branch of a base,
     * also reads the base's sequences and the rows of its smallest tables, and from a later one the rows of the
     * tables that restores found changed and not read yet. A branch noted while another reads the base does not
     * wait for that read, and is not restored before it is done.
     *
     * @param c a superuser's connection to the branch, in auto-commit
     */
    void track(String branch, String base, Connection c) throws SQLException {
        Optional<String> uncounted = BranchState.uncounted(c);
        if (uncounted.isPresent()) {
            refuse(base);
            throw new SQLException("its writes may not be counted: " + uncounted.get());
        }
        PristineBase pristine = bases.computeIfAbsent(base, b -> new PristineBase());
        long start = System.nanoTime();
        if (pristine.startReading()) { // else another fork reads it, or has: this one need not wait
            pristine.read(c, reader);
            LOG.debug(
                    "Read the rows of {} table(s) of {} from {}, to restore its branches from ({} ms)",
                    pristine.rows.size(),
                    base,
                    branch,
                    (System.nanoTime() - start) / 1_000_000);
        } else if (pristine.read() == PristineBase.Read.READ) {
            int before = pristine.rows.size();
            pristine.readWanted(c, reader);
            if (pristine.rows.size() > before) {
                LOG.debug(
                        "Read the rows of {} more table(s) of {} from {}, which tests changed ({} ms)",
                        pristine.rows.size() - before,
                        base,
                        branch,
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
        BranchState.Snapshot fork = BranchState.read(c, base, null, true, null, Map.of());
        pristine.fork = fork;
        tracked.put(branch, fork);
    }

    /**
     * Notes the state of {@code branch}, forked from {@code base} just now, as that of the base's earlier
     * forks, without reading it: a new database has no statistics of its own yet, and the rest of what a
     * snapshot holds is the base's. Should the server's statistics have been reset since, the restore sees
     * it and refuses.
     *
     * @return whether the base has been read (or is being read), and so the branch noted
     */
    boolean trackFork(String branch, String base) {
        PristineBase pristine = bases.get(base);
        BranchState.Snapshot fork = pristine == null || !pristine.readOrReading() ? null : pristine.fork;
        if (fork == null) {
            return false;
        }
        tracked.put(branch, fork.ofNewFork());
        return true;
    }

    /**
     * Whether a restore found tables of {@code base} changed whose rows are not read yet: the next spare is then to be
     * read with {@link #track}, which reads them.
     */
    boolean wantsRead(String base) {
        PristineBase pristine = bases.get(base);
        return pristine != null && pristine.wantsRead();
    }

    /** Never restores branches of {@code base}: what it holds keeps restores from seeing a test's writes. */
    void refuse(String base) {
        refused.add(base);
    }

    /** Whether branches of {@code base} are never restored. */
    boolean refuses(String base) {
        return refused.contains(base);
    }

    /** Moves what is known of {@code from} to its new name {@code to}. */
    void renamed(String from, String to) {
        BranchState.Snapshot s = tracked.remove(from);
        if (s != null) {
            tracked.put(to, s);
        }
    }

    /** Forgets {@code branch}: it has been dropped or kept. */
    void forget(String branch) {
        tracked.remove(branch);
    }

    /** Whether {@code branch} is tracked. */
    boolean tracks(String branch) {
        return tracked.containsKey(branch);
    }

    /**
     * Reads the state of {@code branch} as its restores read it, on {@code session}, and forgets what it read: the
     * statement is then prepared on the session, and the server process's caches of the catalogs and statistics
     * filled, before the first restore (on a new session that read took about 20 ms, and 1 to 4 ms later). Does
     * nothing while the branch's base is not read.
     *
     * @param session a connection to the branch, in auto-commit
     */
    void prepare(String branch, Connection session) throws SQLException {
        BranchState.Snapshot noted = tracked.get(branch);
        PristineBase base = noted == null ? null : bases.get(noted.base());
        if (base != null && base.read() == PristineBase.Read.READ) {
            BranchState.read(session, noted.base(), noted, false, base.sequenceQuery, new HashMap<>());
        }
    }

    /**
     * Puts {@code branch} back to the state noted for it, once every session of its test has ended.
     *
     * @param c a superuser's connection to the branch, in auto-commit, the only session on it
     * @return empty once restored, else why it cannot be
     */
    Optional<String> restore(String branch, Connection c) throws SQLException {
        return restore(branch, c, null);
    }

    /**
     * Puts {@code branch} back to the state noted for it, then checks that no other session came meanwhile.
     *
     * @param c a superuser's connection to the branch, in auto-commit, the only session on it
     * @param others a query of the sessions on the branch other than those that may be, run once the restore has
     *     committed (in the commit's round trip, or with the read of the branch's state after it), as a statement the
     *     server prepares once for the session (as plain SQL, a query of {@code pg_stat_activity} took the server 1.7
     *     ms to parse, plan and run in the benchmark's Spring cell); null for none
     * @return empty once restored, else why it cannot be; when a session came, the branch is forgotten
     */
    Optional<String> restore(String branch, Connection c, String others) throws SQLException {
        long start = System.nanoTime();
        BranchState.Snapshot before = tracked.get(branch);
        if (before == null) {
            return Optional.of("its state was not noted");
        }
        PristineBase base = bases.get(before.base());
        PristineBase.Read read = base == null ? PristineBase.Read.UNREAD : base.read();
        tracked.remove(branch);
        if (read == PristineBase.Read.READING) {
            return Optional.of(
                    "its base's rows are still being read (from another fork), which a new fork need not wait for");
        }
        if (read == PristineBase.Read.UNREAD) {
            return Optional.of("its base's rows were not read");
        }
        // A sequence the test dropped or renamed fails the read: a branch whose schema changed is not restored.
        Map<Long, String[]> sequences = new HashMap<>();
        BranchState.Snapshot now = BranchState.read(c, before.base(), before, false, base.sequenceQuery, sequences);
        if (now.classWrites() != before.classWrites()) { // a TRUNCATE, or a change of the schema
            now = now.withRelations(BranchState.relations(c));
        }
        Optional<String> why = BranchState.beyondRows(before, now);
        if (why.isPresent()) {
            return why;
        }
        now = now.withRelations(before.relations());
        Set<Long> changed = new TreeSet<>();
        for (BranchState.Table t : now.tables().values()) {
            BranchState.Table then = before.tables().get(t.oid());
            if (then.filenode() != t.filenode() || then.writes() != t.writes()) {
                changed.add(t.oid());
            }
        }
        List<String> setval = new ArrayList<>();
        for (Map.Entry<Long, String[]> s : sequences.entrySet()) {
            String[] pristine = base.sequences.get(s.getKey());
            if (pristine == null) {
                return Optional.of("it has a sequence its base does not have");
            }
            if (!Arrays.equals(pristine, s.getValue())) {
                setval.add("setval(" + s.getKey() + ", " + pristine[0] + ", " + pristine[1] + ")");
            }
        }
        if (sequences.size() != base.sequences.size()) {
            return Optional.of("a sequence of its base is gone");
        }
        Set<Long> partitioned = new TreeSet<>();
        Set<Long> truncate = base.linked(changed, now.tables(), partitioned);
        for (Long oid : truncate) {
            if (now.tables().get(oid).kind() == 'm') {
                return Optional.of("its test changed the materialized view " + name(c, oid));
            }
        }
        for (Long oid : truncate) {
            if (base.firing.containsKey(oid)) {
                return Optional.of("the trigger " + base.firing.get(oid) + " fires also while rows are restored");
            }
        }
        List<String> unread = new ArrayList<>();
        for (Long oid : truncate) {
            if (!base.rows.containsKey(oid) && base.want(oid)) { // every one of them, for the next spare to read
                unread.add(name(c, oid));
            }
        }
        if (!unread.isEmpty()) {
            return Optional.of("the rows of " + String.join(", ", unread) + " in its base are not read yet (a "
                    + "table's rows are read once a test has changed it, or a table linked to it): the next spare "
                    + "forked reads them");
        }
        Map<Long, BaseRows.Rows> used = new LinkedHashMap<>(); // in the order of truncate
        for (Long oid : truncate) {
            BaseRows.Rows r = base.rows.get(oid);
            if (r == null) {
                return Optional.of("the rows of " + name(c, oid) + " in its base are not held: "
                        + base.notHeld.getOrDefault(
                                oid,
                                "they would take more than the " + BaseRows.HELD_BYTES
                                        + " bytes held to restore from"));
            }
            used.put(oid, r);
        }
        List<BaseRows.Rows> rows = new ArrayList<>(used.values());
        if (!rows.isEmpty() || !setval.isEmpty()) {
            List<String> parents = new ArrayList<>();
            for (Long oid : partitioned) {
                parents.add(name(c, oid)); // a partitioned table's partitions are all in rows
            }
            Map<Long, BranchState.Table> tables = now.tables();
            boolean replica = truncate.stream().anyMatch(base.triggered::contains);
            boolean delete = parents.isEmpty()
                    && truncate.stream()
                            .allMatch(oid -> Refill.deletable(
                                    base.rows.get(oid),
                                    tables.get(oid),
                                    before.tables().get(oid),
                                    base.deleteRules.contains(oid)
                                            || !replica && base.originDeleteRules.contains(oid)));
            // Emptied with DELETE, on tables without triggers: the restore writes those rows and nothing else,
            // which the statistics will count, so the state after it is known without reading it.
            boolean known = delete && !rows.isEmpty() && truncate.stream().noneMatch(base.anyTrigger::contains);
            List<String> arrived = new ArrayList<>();
            long[] written;
            try {
                written = Refill.write(c, rows, parents, setval, delete, replica, known ? others : null, arrived);
            } catch (SQLException e) {
                return Optional.of(base.lostFiles(e, used, reader).orElseThrow(() -> e));
            }
            if (known) {
                Optional<String> came = cameDuring(arrived);
                if (came.isPresent()) {
                    return came;
                }
                Map<Long, BranchState.Table> after = new HashMap<>(tables);
                int i = 0;
                for (Long oid : truncate) {
                    BranchState.Table t = tables.get(oid);
                    long wrote = written[i++]; // the rows it deleted, each left dead, and those it copied in
                    long dead = t.dead() + wrote - used.get(oid).count();
                    // Its TOAST table's writes are left as read: where the restore wrote some, the next one truncates.
                    after.put(
                            oid,
                            new BranchState.Table(
                                    oid, t.kind(), t.filenode(), t.writes() + wrote, dead, t.toastWrites()));
                }
                restored(branch, now.withTables(after), rows.size(), setval.size(), start);
                return Optional.empty();
            }
        }
        // Its settings, catalogs and statistics' resets are as read before: no other session is on it, and the
        // restore writes rows, new files (pg_class.relfilenode, which the snapshot leaves out) and sequences only.
        List<String> sessions = new ArrayList<>();
        BranchState.Snapshot restored = BranchState.readTables(c, now, others, sessions);
        Optional<String> came = cameDuring(sessions);
        if (came.isPresent()) {
            return came;
        }
        for (BranchState.Table t : restored.tables().values()) {
            if (!truncate.contains(t.oid())
                    && t.writes() != now.tables().get(t.oid()).writes()) {
                return Optional.of("restoring its rows wrote to " + name(c, t.oid()) + " as well (a trigger?)");
            }
        }
        restored(branch, restored, rows.size(), setval.size(), start);
        return Optional.empty();
    }

    /** Why a branch is not restored when {@code sessions} came to it during its restore; empty when none did. */
    private static Optional<String> cameDuring(List<String> sessions) {
        return sessions.isEmpty()
                ? Optional.empty()
                : Optional.of("a session connected to it while it was restored: " + sessions);
    }

    private void restored(String branch, BranchState.Snapshot restored, int tables, int sequences, long start) {
        tracked.put(branch, restored);
        LOG.debug(
                "Branch {} restored in place: {} table(s), {} sequence(s) ({} µs)",
                branch,
                tables,
                sequences,
                (System.nanoTime() - start) / 1_000);
    }

    /** The name of the relation {@code oid}, for a message. */
    private static String name(Connection c, long oid) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + oid + "::regclass")) {
            return rs.next() ? rs.getString(1) : Long.toString(oid);
        }
    }
}
