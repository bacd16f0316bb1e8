package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.ServerSql.awaitNoSession;
import static io.github.lakebase.junit.internal.server.ServerSql.execute;
import static io.github.lakebase.junit.internal.server.ServerSql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A branch that other sessions reach while it is restored is not handed out as restored: a session may have
 * written what no snapshot saw. The restore checks once its refill has committed, whichever way it learns the
 * state after the refill: computed, for a table emptied with {@code DELETE} that has no trigger, or read again;
 * and on a session whose driver fetches rows a few at a time, as a URL's {@code defaultRowFetchSize} has it.
 * Restored, the session is left in auto-commit, in no transaction.
 */
class InPlaceRestoreTests {

    /** The sessions on the branch other than the restore's own. */
    private static final String OTHERS =
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Run ids of the restorers that hold rows in files, each its own. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(20);

    @ParameterizedTest(name = "rows in files the server reads: {0}")
    @ValueSource(booleans = {false, true})
    void sessionsOnTheBranchAtTheEndOfARestoreWhoseStateIsComputedKeepItFromBeingRestored(boolean files)
            throws Exception {
        assertSessionsKeepTheBranchFromBeingRestored(
                files,
                "CREATE TABLE item (id integer PRIMARY KEY, name text); "
                        + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i");
    }

    @ParameterizedTest(name = "rows in files the server reads: {0}")
    @ValueSource(booleans = {false, true})
    void sessionsOnTheBranchAtTheEndOfARestoreWhoseStateIsReadAgainKeepItFromBeingRestored(boolean files)
            throws Exception {
        // A trigger, even one the restore keeps from firing, has the restore read the branch's state again.
        assertSessionsKeepTheBranchFromBeingRestored(
                files,
                "CREATE TABLE item (id integer PRIMARY KEY, name text); "
                        + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i; "
                        + "CREATE FUNCTION untouched() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; "
                        + "CREATE TRIGGER untouched BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION untouched()");
    }

    @ParameterizedTest(name = "rows in files the server reads: {0}")
    @ValueSource(booleans = {false, true})
    void aRestoredSessionIsLeftInAutoCommitInNoTransaction(boolean files) throws Exception {
        String[] names = branchOf("CREATE TABLE item (id integer PRIMARY KEY, name text); "
                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i");
        String base = names[0];
        String branch = names[1];
        InPlaceRestore restores = restores(files);
        try (Connection c = SERVER.get().connect(branch)) {
            restores.track(branch, base, c);
        }
        for (int round = 1; round <= 2; round++) {
            try (Connection test = SERVER.get().connect(branch)) {
                execute(test, "UPDATE item SET name = 'changed by test " + round + "'");
            }
            awaitNoSession(SERVER.get(), branch);
            try (Connection c = SERVER.get().connect(branch)) {
                assertThat(restores.restore(branch, c, OTHERS))
                        .as("why round %s was not restored", round)
                        .isEmpty();

                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.IDLE);
                assertThat((Object) c.getWarnings())
                        .as("a warning of a COMMIT outside a transaction")
                        .isNull();
                assertThat(rows(c, "SELECT name FROM item ORDER BY id")).containsExactly("item 1", "item 2", "item 3");
            }
            awaitNoSession(SERVER.get(), branch);
        }
    }

    @Test
    void whileTheBaseIsReadFromOneForkAnotherIsNotedAndRefusedAtOnceForANewForkAndLaterOnesAreRestored()
            throws Exception {
        String[] names = itemsWithForks("other", "after");
        String base = names[0];
        String reading = names[1];
        String other = names[2];
        String after = names[3];
        InPlaceRestore restores = new InPlaceRestore(null);
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection lock = SERVER.get().connect(reading);
                Connection c = SERVER.get().connect(reading)) {
            // The read of the base's rows from the first fork waits for this lock: a slow read of a big base.
            Future<?> read = trackWaitingForLock(restores, threads, reading, base, lock, c);

            Future<?> noted = threads.submit(() -> {
                try (Connection o = SERVER.get().connect(other)) {
                    restores.track(other, base, o);
                }
                return null;
            });
            noted.get(60, TimeUnit.SECONDS); // before: it waited for the read, which waits for the lock

            try (Connection test = SERVER.get().connect(other)) {
                execute(test, "UPDATE item SET name = 'changed by a test'");
            }
            awaitNoSession(SERVER.get(), other);
            // Its restore does not wait for the read either (of a big base, a new fork is sooner): it says why at
            // once, and the caller forks anew.
            Future<Optional<String>> refused = threads.submit(() -> {
                try (Connection o = SERVER.get().connect(other)) {
                    return restores.restore(other, o, null);
                }
            });
            assertThat(refused.get(60, TimeUnit.SECONDS))
                    .as("why the branch given back during the read was not restored")
                    .hasValueSatisfying(why -> assertThat(why).contains("still being read"));
            assertThat(read).as("the read, which still waits for the lock").isNotDone();
            assertThat(restores.tracks(other))
                    .as("whether the branch refused is still tracked")
                    .isFalse();

            lock.rollback();
            read.get(60, TimeUnit.SECONDS);
            assertThat(restores.trackFork(after, base))
                    .as("whether a fork after the read is noted")
                    .isTrue();
            assertChangedRowIsRestored(restores, after, "why the branch given back after the read was not restored");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aReadOfTheBaseThatFailsIsDoneAgainFromALaterForkThoughAnotherWasNotedMeanwhile() throws Exception {
        String[] names = itemsWithForks("noted", "later");
        String base = names[0];
        String reading = names[1];
        String noted = names[2];
        String later = names[3];
        InPlaceRestore restores = new InPlaceRestore(null);
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection lock = SERVER.get().connect(reading);
                Connection c = SERVER.get().connect(reading);
                Connection admin = SERVER.get().connect("postgres")) {
            Future<?> read = trackWaitingForLock(restores, threads, reading, base, lock, c);
            try (Connection o = SERVER.get().connect(noted)) {
                restores.track(noted, base, o);
            }
            // The read fails: its session ends while it waits.
            endLockWaiterAndAwaitFailure(admin, reading, read);

            assertThat(restores.trackFork(later, base))
                    .as("whether a later fork was noted as if the base had been read")
                    .isFalse();
            try (Connection o = SERVER.get().connect(later)) {
                restores.track(later, base, o); // reads the base again
            }
            assertChangedRowIsRestored(restores, later, "why the later fork was not restored");
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest(name = "rows in files the server reads: {0}")
    @ValueSource(booleans = {false, true})
    void largeTablesAreReadOnlyOnceATestChangedThemFromTheNextSpareAndRestoredFromThen(boolean files) throws Exception {
        String[] names = branchOf("CREATE TABLE item (id integer PRIMARY KEY, name text); "
                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i; "
                + "CREATE TABLE big (id integer PRIMARY KEY, payload text); "
                + "INSERT INTO big SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 30000) i; "
                + "CREATE TABLE large (id integer PRIMARY KEY REFERENCES big, note text); "
                + "INSERT INTO large SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 30000) i");
        String base = names[0];
        String first = names[1];
        List<String> forks = new ArrayList<>();
        try (Connection admin = SERVER.get().connect("postgres")) {
            for (String suffix : List.of("failing", "waited_for", "spare", "later")) {
                forks.add(base + "_" + suffix);
                execute(admin, "CREATE DATABASE " + forks.get(forks.size() - 1) + " TEMPLATE " + base);
            }
        }
        String failing = forks.get(0);
        String waitedFor = forks.get(1);
        String spare = forks.get(2);
        String later = forks.get(3);
        InPlaceRestore restores = restores(files);
        try (Connection c = SERVER.get().connect(first)) {
            restores.track(first, base, c); // reads the base: its sequences, its schema, its small tables
        }

        changeBig(first);
        assertRefusedAsUnread(restores, first);
        assertThat(restores.wantsRead(base))
                .as("whether the next spare is to be read, for the large tables")
                .isTrue();
        assertThat(restores.trackFork(waitedFor, base))
                .as("whether a fork for a test that waits is noted without reading it meanwhile")
                .isTrue();

        // A read that fails for its session, not for the table (here the session ends while COPY waits for a
        // lock), leaves the tables to be read again rather than never restored.
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection lock = SERVER.get().connect(failing);
                Connection c = SERVER.get().connect(failing);
                Connection admin = SERVER.get().connect("postgres")) {
            lock.setAutoCommit(false);
            execute(lock, "LOCK TABLE big IN ACCESS EXCLUSIVE MODE");
            Future<?> read = threads.submit(() -> {
                restores.track(failing, base, c);
                return null;
            });
            awaitLockWait(failing);
            endLockWaiterAndAwaitFailure(admin, failing, read);
            lock.rollback();
        } finally {
            threads.shutdownNow();
        }
        changeBig(waitedFor);
        assertRefusedAsUnread(restores, waitedFor);

        try (Connection c = SERVER.get().connect(spare)) {
            restores.track(spare, base, c); // reads the rows of both large tables the tests changed
        }
        assertThat(restores.wantsRead(base))
                .as("whether a spare is still to be read once the tables have been")
                .isFalse();
        assertThat(restores.trackFork(later, base))
                .as("whether a new fork is noted without reading it once the tables have been read")
                .isTrue();

        for (String branch : List.of(spare, later)) {
            changeBig(branch);
            try (Connection o = SERVER.get().connect(branch)) {
                assertThat(restores.restore(branch, o, null))
                        .as("why %s, whose test changed the large tables, was not restored", branch)
                        .isEmpty();
                assertThat(rows(o, "SELECT count(*) || ' ' || sum(length(payload)) FROM big"))
                        .containsExactly("30000 3840000");
                assertThat(rows(o, "SELECT count(*) || ' ' || sum(length(note)) FROM large"))
                        .containsExactly("30000 3840000");
                assertThat(rows(o, "SELECT payload FROM big WHERE id = 1"))
                        .containsExactly("c4ca4238a0b923820dcc509a6f75849b".repeat(4));
            }
        }
    }

    @ParameterizedTest(name = "the file {0}")
    @ValueSource(strings = {"deleted", "cut short", "emptied"})
    void rowsWhoseFileIsGoneOrDamagedAreReadAgainFromTheNextSpareAndRestoredFromThen(String damage) throws Exception {
        String[] names = itemsWithForks("spare", "later");
        String base = names[0];
        String first = names[1];
        String spare = names[2];
        String later = names[3];
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY);
        String run = "run" + RUNS.incrementAndGet();
        InPlaceRestore restores = new InPlaceRestore(RowFiles.in(directory, run).orElseThrow());
        try (Connection c = SERVER.get().connect(first)) {
            restores.track(first, base, c); // reads the base, and writes its rows to files
        }
        List<Path> written = written(directory, run);
        assertThat(written).as("the files of the base's rows").isNotEmpty();
        for (Path file : written) { // behind the run's back
            switch (damage) {
                case "deleted" -> Files.delete(file);
                case "cut short" -> Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 30));
                default -> Files.write(file, new byte[0]);
            }
        }

        changeItems(first);
        try (Connection o = SERVER.get().connect(first)) {
            assertThat(restores.restore(first, o, null))
                    .as("why the branch whose base's files are %s was not restored", damage)
                    .hasValueSatisfying(why -> assertThat(why).contains("gone or unreadable"));
        }
        assertThat(restores.wantsRead(base))
                .as("whether the next spare is to be read, for the rows whose file is %s", damage)
                .isTrue();

        try (Connection c = SERVER.get().connect(spare)) {
            restores.track(spare, base, c); // reads the rows again
        }
        assertChangedRowIsRestored(restores, spare, "why the spare read again was not restored");
        assertThat(restores.trackFork(later, base))
                .as("whether a later fork is noted without reading it")
                .isTrue();
        assertChangedRowIsRestored(restores, later, "why a later fork was not restored");
    }

    @Test
    void aRefillThatFailsOnAFileAnotherRestoreHadReadAgainKeepsTheRowsReadSince() throws Exception {
        String[] names = itemsWithForks("second", "spare", "later");
        String base = names[0];
        String first = names[1];
        String second = names[2];
        String spare = names[3];
        String later = names[4];
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY);
        String run = "run" + RUNS.incrementAndGet();
        InPlaceRestore restores = new InPlaceRestore(RowFiles.in(directory, run).orElseThrow());
        try (Connection c = SERVER.get().connect(first)) {
            restores.track(first, base, c);
        }
        assertThat(restores.trackFork(second, base))
                .as("whether the second fork was noted")
                .isTrue();
        changeItems(first);
        changeItems(second);
        deleteFiles(directory, run);

        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection lock = SERVER.get().connect(second)) {
            // The second branch's refill, on the deleted file, waits for a lock until the rows have been read again.
            lock.setAutoCommit(false);
            execute(lock, "LOCK TABLE item IN ACCESS EXCLUSIVE MODE");
            Future<Optional<String>> waiting = threads.submit(() -> {
                try (Connection o = SERVER.get().connect(second)) {
                    return restores.restore(second, o, null);
                }
            });
            awaitLockWait(second);
            try (Connection o = SERVER.get().connect(first)) {
                assertThat(restores.restore(first, o, null))
                        .as("why the first branch was not restored")
                        .isPresent();
            }
            try (Connection c = SERVER.get().connect(spare)) {
                restores.track(spare, base, c); // reads the rows again, into a new file
            }
            lock.rollback();
            assertThat(waiting.get(90, TimeUnit.SECONDS))
                    .as("why the second branch, whose refill used the deleted file, was not restored")
                    .hasValueSatisfying(why -> assertThat(why).contains("gone"));
        } finally {
            threads.shutdownNow();
        }

        assertThat(restores.wantsRead(base))
                .as("whether a spare is to be read again, though the rows were read since the file was lost")
                .isFalse();
        assertThat(restores.trackFork(later, base))
                .as("whether a later fork was noted")
                .isTrue();
        assertChangedRowIsRestored(restores, later, "why a later fork was not restored");
    }

    @Test
    void aRefillThatFailsOnItsRowsRatherThanOnTheirFileKeepsTheFiles() throws Exception {
        // t is filled again before u, which its CHECK counts: while u is empty, the CHECK divides by zero (22012).
        String[] names = branchOf("CREATE TABLE t (id integer PRIMARY KEY, uid integer); "
                + "CREATE TABLE u (id integer PRIMARY KEY); INSERT INTO u VALUES (1); INSERT INTO t VALUES (1, 1); "
                + "CREATE FUNCTION ok() RETURNS boolean LANGUAGE plpgsql AS "
                + "'BEGIN RETURN 1 / (SELECT count(*) FROM u) > 0; END'; "
                + "ALTER TABLE t ADD CHECK (ok()), ADD FOREIGN KEY (uid) REFERENCES u");
        String base = names[0];
        String branch = names[1];
        InPlaceRestore restores = restores(true);
        try (Connection c = SERVER.get().connect(branch)) {
            restores.track(branch, base, c);
        }
        try (Connection test = SERVER.get().connect(branch)) {
            execute(test, "UPDATE u SET id = id");
        }
        awaitNoSession(SERVER.get(), branch);

        try (Connection o = SERVER.get().connect(branch)) {
            assertThatThrownBy(() -> restores.restore(branch, o, null))
                    .as("the restore whose refill fails on a CHECK")
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("division by zero");
        }
        assertThat(restores.wantsRead(base))
                .as("whether a spare is to be read again for a failure that is not the files'")
                .isFalse();
    }

    /** Deletes the files of the base's rows that the restorer of {@code run} wrote, behind its back. */
    private static void deleteFiles(Path directory, String run) throws IOException {
        for (Path file : written(directory, run)) {
            Files.delete(file);
        }
    }

    /** The files of the base's rows that the restorer of {@code run} wrote in {@code directory}. */
    private static List<Path> written(Path directory, String run) throws IOException {
        try (var listing = Files.list(directory)) {
            return listing.filter(f -> f.getFileName().toString().startsWith(run + "."))
                    .toList();
        }
    }

    /** A test changes the items of {@code branch}, and ends. */
    private static void changeItems(String branch) throws Exception {
        try (Connection test = SERVER.get().connect(branch)) {
            execute(test, "UPDATE item SET name = 'changed by a test'");
        }
        awaitNoSession(SERVER.get(), branch);
    }

    /** The restore of {@code branch}, whose test changed the large tables, is refused: their rows are not read. */
    private static void assertRefusedAsUnread(InPlaceRestore restores, String branch) throws Exception {
        try (Connection o = SERVER.get().connect(branch)) {
            assertThat(restores.restore(branch, o, null))
                    .as("why %s, whose test changed the large tables before they were read, was not restored", branch)
                    .hasValueSatisfying(why -> assertThat(why).contains("big, large", "not read yet"));
        }
    }

    /** A test changes and deletes rows of both large tables of {@code branch}, and ends. */
    private static void changeBig(String branch) throws Exception {
        try (Connection test = SERVER.get().connect(branch)) {
            execute(
                    test,
                    "UPDATE big SET payload = 'changed by a test' WHERE id = 1; UPDATE large SET note = 'changed' "
                            + "WHERE id = 2; DELETE FROM large WHERE id > 29000; DELETE FROM big WHERE id > 29000");
        }
        awaitNoSession(SERVER.get(), branch);
    }

    /** Ends the session on {@code database} that waits for a lock, and checks that {@code read}, its work, fails. */
    private static void endLockWaiterAndAwaitFailure(Connection admin, String database, Future<?> read)
            throws Exception {
        execute(
                admin,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                        + "' AND wait_event_type = 'Lock'");
        try {
            read.get(90, TimeUnit.SECONDS);
            throw new AssertionError("The read on " + database + " went on after its session ended");
        } catch (ExecutionException expected) { // its session ended
        }
    }

    /** A test changes a row of {@code branch} and ends; the branch's restore puts the base's rows back. */
    private static void assertChangedRowIsRestored(InPlaceRestore restores, String branch, String why)
            throws Exception {
        changeItems(branch);
        try (Connection o = SERVER.get().connect(branch)) {
            assertThat(restores.restore(branch, o, null)).as(why).isEmpty();
            assertThat(rows(o, "SELECT name FROM item ORDER BY id")).containsExactly("item 1", "item 2", "item 3");
        }
    }

    /** Waits until a session on {@code database} waits for a lock. */
    private static void awaitLockWait(String database) throws Exception {
        try (Connection admin = SERVER.get().connect("postgres")) {
            for (int i = 0; i < 6000; i++) {
                if (!rows(
                                admin,
                                "SELECT pid FROM pg_stat_activity WHERE datname = '" + database
                                        + "' AND wait_event_type = 'Lock'")
                        .isEmpty()) {
                    return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("No session on " + database + " waited for the lock");
    }

    /** A base with three items, a branch of it, and the forks of it named after the base and each suffix. */
    private static String[] itemsWithForks(String... suffixes) throws SQLException {
        String[] names = branchOf("CREATE TABLE item (id integer PRIMARY KEY, name text); "
                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i");
        List<String> all = new ArrayList<>(List.of(names));
        try (Connection admin = SERVER.get().connect("postgres")) {
            for (String suffix : suffixes) {
                all.add(names[0] + "_" + suffix);
                execute(admin, "CREATE DATABASE " + all.get(all.size() - 1) + " TEMPLATE " + names[0]);
            }
        }
        return all.toArray(String[]::new);
    }

    /**
     * Notes {@code branch} on {@code c} in the background, once {@code lock} holds a lock on its table that the
     * read of the base waits for; returns when it waits.
     */
    private static Future<?> trackWaitingForLock(
            InPlaceRestore restores, ExecutorService threads, String branch, String base, Connection lock, Connection c)
            throws Exception {
        lock.setAutoCommit(false);
        execute(lock, "LOCK TABLE item IN ACCESS EXCLUSIVE MODE");
        Future<?> read = threads.submit(() -> {
            restores.track(branch, base, c);
            return null;
        });
        awaitLockWait(branch);
        return read;
    }

    /** A base of {@code schema} and a branch of it, new names for each test (the tests run at once). */
    private static String[] branchOf(String schema) throws SQLException {
        int n = DATABASES.incrementAndGet();
        String base = "inplace_base_" + n;
        String branch = "inplace_branch_" + n;
        try (Connection admin = SERVER.get().connect("postgres")) {
            execute(admin, "CREATE DATABASE " + base);
            try (Connection c = SERVER.get().connect(base)) {
                execute(c, schema);
            }
            execute(admin, "CREATE DATABASE " + branch + " TEMPLATE " + base);
        }
        return new String[] {base, branch};
    }

    private static void assertSessionsKeepTheBranchFromBeingRestored(boolean files, String schema) throws Exception {
        String[] names = branchOf(schema);
        String base = names[0];
        String branch = names[1];
        InPlaceRestore restores = restores(files);
        try (Connection c = SERVER.get().connect(branch)) {
            restores.track(branch, base, c);
        }
        try (Connection test = SERVER.get().connect(branch)) {
            execute(test, "UPDATE item SET name = 'changed by a test'");
        }
        awaitNoSession(SERVER.get(), branch); // a session's writes are counted as it ends

        try (Connection one = SERVER.get().connect(branch);
                Connection two = SERVER.get().connect(branch);
                Connection c = SERVER.get().connect(branch)) {
            assertThat(one.isValid(5) && two.isValid(5))
                    .as("the other sessions")
                    .isTrue();
            c.unwrap(PGConnection.class).setDefaultFetchSize(1);
            Optional<String> why = restores.restore(branch, c, OTHERS);

            assertThat(why)
                    .as("the restore of a branch another session is on")
                    .hasValueSatisfying(
                            w -> assertThat(w).startsWith("a session connected to it while it was restored"));
            assertThat(restores.tracks(branch))
                    .as("whether the branch is still known as restorable")
                    .isFalse();
            assertThat(rows(c, "SELECT name FROM item ORDER BY id"))
                    .as("the rows, which the refill put back before the check")
                    .containsExactly("item 1", "item 2", "item 3");
        }
    }

    /** A restorer holding the bases' rows in files the server writes and reads, or in memory. */
    static InPlaceRestore restores(boolean files) throws IOException {
        return new InPlaceRestore(
                files
                        ? RowFiles.in(SERVER.get().serverDirectory(RowFiles.DIRECTORY), "run" + RUNS.incrementAndGet())
                                .orElseThrow()
                        : null);
    }
}
