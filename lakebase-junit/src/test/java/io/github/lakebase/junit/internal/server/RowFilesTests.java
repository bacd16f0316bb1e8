package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.ServerSql.awaitNoSession;
import static io.github.lakebase.junit.internal.server.ServerSql.execute;
import static io.github.lakebase.junit.internal.server.ServerSql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the library writes a base's rows to files that the embedded server reads back in a restore: the files are
 * the run's, named by its id, and gone once it ends; a sweep deletes those of dead runs only; where no file can be
 * written, rows are held in memory and branches are still restored; and a link in the server's directory is never
 * followed by a JVM that runs as root.
 */
class RowFilesTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(20);

    @Test
    void aBasesRowsGoToFilesOfTheRunThatRestoresReadAndTheRunDeletesThemWhenItEnds() throws Exception {
        String[] names = branchOf("rows_in_files");
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY);
        InPlaceRestore restores =
                new InPlaceRestore(RowFiles.in(directory, "k3x9q2a").orElseThrow());
        try (Connection c = SERVER.get().connect(names[1])) {
            restores.track(names[1], names[0], c);
        }
        assertThat(filesOf(directory, "k3x9q2a"))
                .as("the run's files of the base's rows")
                .isNotEmpty();

        assertRestored(restores, names[1]);
        restores.close();

        assertThat(filesOf(directory, "k3x9q2a"))
                .as("the run's files once it ended")
                .isEmpty();
    }

    @Test
    void whereNoFileCanBeWrittenRowsAreHeldInMemoryAndBranchesStillRestored(@TempDir Path nowhere) throws Exception {
        String[] names = branchOf("rows_in_memory");
        // A directory the server's OS user cannot reach, or that does not exist where it runs.
        Path missing = nowhere.resolve("missing");
        InPlaceRestore restores =
                new InPlaceRestore(RowFiles.in(missing, "m4p7w1z").orElseThrow());
        try (Connection c = SERVER.get().connect(names[1])) {
            restores.track(names[1], names[0], c);
        }

        assertRestored(restores, names[1]);
        assertThat(missing).doesNotExist();
    }

    @Test
    void aTableReadOnceNoFileCouldBeWrittenIsHeldInMemoryAndRestoredBesideOnesInFiles() throws Exception {
        String[] names = branchOf("rows_in_both");
        try (Connection base = SERVER.get().connect(names[0])) {
            execute(
                    base,
                    "CREATE TABLE big (id integer PRIMARY KEY, payload text); "
                            + "INSERT INTO big SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 30000) i");
        }
        try (Connection admin = SERVER.get().connect("postgres")) {
            execute(
                    admin,
                    "DROP DATABASE " + names[1] + "; CREATE DATABASE " + names[1] + " TEMPLATE " + names[0]
                            + "; CREATE DATABASE " + names[0] + "_spare TEMPLATE " + names[0]);
        }
        // A directory of its own: the test blocks the files that would go in it while other tests of the class run.
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY + "-read-only");
        InPlaceRestore restores =
                new InPlaceRestore(RowFiles.in(directory, "b8n2v5q").orElseThrow());
        try (Connection c = SERVER.get().connect(names[1])) {
            restores.track(names[1], names[0], c); // the small table's rows, to a file; the large one's later
        }
        changeBoth(names[1]);
        try (Connection c = SERVER.get().connect(names[1])) {
            assertThat(restores.restore(names[1], c, null))
                    .as("why the first branch was not restored")
                    .hasValueSatisfying(why -> assertThat(why).contains("not read yet"));
        }
        // The files this run writes next cannot be made: directories stand where they would go.
        long next = RowFiles.NEXT.get();
        List<Path> before;
        try (Stream<Path> files = Files.list(directory)) {
            before = files.toList();
        }
        for (long n = next + 1; n <= next + 1000; n++) {
            Files.createDirectory(directory.resolve("b8n2v5q." + n + ".bin"));
        }
        try {
            String spare = names[0] + "_spare";
            try (Connection c = SERVER.get().connect(spare)) {
                restores.track(spare, names[0], c); // the large table's rows: no file can be written now
            }
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.filter(Files::isRegularFile))
                        .as("the run's files: none for the large table")
                        .containsExactlyInAnyOrderElementsOf(before);
            }
            changeBoth(spare);
            try (Connection c = SERVER.get().connect(spare)) {
                assertThat(restores.restore(spare, c, null))
                        .as("why the spare was not restored")
                        .isEmpty();
                assertThat(rows(c, "SELECT id || ' ' || name FROM item ORDER BY id"))
                        .containsExactly("1 item 1", "2 item 2", "3 item 3");
                assertThat(rows(c, "SELECT count(*) || ' ' || sum(length(payload)) FROM big"))
                        .containsExactly("30000 3840000");
            }
        } finally {
            restores.close();
            try (Stream<Path> left = Files.list(directory)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void changeBoth(String branch) throws Exception {
        try (Connection test = SERVER.get().connect(branch)) {
            execute(test, "UPDATE item SET name = 'changed by a test'; DELETE FROM big WHERE id > 10");
        }
        awaitNoSession(SERVER.get(), branch);
    }

    @Test
    void twoRestorersOfOneRunOnOneServerKeepTheirBasesRowsApart() throws Exception {
        // Two configurations of one run that differ in a key the server does not depend on share its cluster.
        String[] items = branchOf("shared_run_items");
        String[] gadgets = branchOf("shared_run_gadgets");
        try (Connection base = SERVER.get().connect(gadgets[1])) {
            execute(base, "UPDATE item SET name = 'gadget ' || id");
        }
        try (Connection admin = SERVER.get().connect("postgres")) {
            execute(admin, "DROP DATABASE " + gadgets[0]);
            execute(admin, "ALTER DATABASE " + gadgets[1] + " RENAME TO " + gadgets[0]);
            execute(admin, "CREATE DATABASE " + gadgets[1] + " TEMPLATE " + gadgets[0]);
        }
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY);
        InPlaceRestore one =
                new InPlaceRestore(RowFiles.in(directory, "s5r1u3n").orElseThrow());
        InPlaceRestore two =
                new InPlaceRestore(RowFiles.in(directory, "s5r1u3n").orElseThrow());
        try {
            try (Connection c = SERVER.get().connect(items[1])) {
                one.track(items[1], items[0], c);
            }
            try (Connection c = SERVER.get().connect(gadgets[1])) {
                two.track(gadgets[1], gadgets[0], c);
            }

            assertRestored(one, items[1]);
        } finally {
            one.close();
            two.close();
        }
    }

    @Test
    void aTableWhoseRowsAreLargerThanTheBytesHeldIsReadOnlyInPartAndTheSessionStaysInStep() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/io")), "Linux's count of the bytes a process wrote");
        String[] names = branchOf("compressed_rows");
        try (Connection base = SERVER.get().connect(names[1])) {
            // About 100 MB of rows, which compression keeps in far less on disk; and a small table after it.
            execute(
                    base,
                    "CREATE TABLE doc (id integer PRIMARY KEY, body text); "
                            + "INSERT INTO doc SELECT i, repeat('x', 100000) FROM generate_series(1, 1000) i");
        }
        long room = 16 << 20;
        for (boolean files : List.of(false, true)) {
            BaseRows reader = new BaseRows(
                    files
                            ? RowFiles.in(SERVER.get().serverDirectory(RowFiles.DIRECTORY), "c7m2p4d")
                                    .orElseThrow()
                            : null,
                    room);
            Map<Long, BaseRows.Rows> rows = new HashMap<>();
            Map<Long, String> notHeld = new HashMap<>();
            try (Connection c = SERVER.get().connect(names[1])) {
                assertThat(rows(c, "SELECT pg_table_size('doc') < " + room)).containsExactly("t");
                BaseRows.Table doc = table(c, "doc", room / 2);
                BaseRows.Table item = table(c, "item", 8192);
                Path io = Path.of("/proc", rows(c, "SELECT pg_backend_pid()").get(0), "io");
                long before = written(io);

                reader.readLater(c, List.of(doc, item), rows, notHeld);

                assertThat(written(io) - before)
                        .as("the bytes the server's process wrote (to files, or sent) while it read the tables")
                        .isLessThan(50L << 20);
                assertThat(notHeld).as("files: %s", files).containsOnlyKeys(doc.oid());
                assertThat(rows).as("files: %s", files).containsOnlyKeys(item.oid());
                assertThat(rows.get(item.oid()).file() != null).isEqualTo(files);
                assertThat(rows(c, "SELECT 'in step'"))
                        .as("what the session answers next")
                        .containsExactly("in step");
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void aTableWithAVirtualGeneratedColumnIsRestored() throws Exception {
        String[] names = branchOf("virtual_column");
        try (Connection admin = SERVER.get().connect("postgres")) {
            execute(admin, "DROP DATABASE " + names[1]);
            try (Connection base = SERVER.get().connect(names[0])) {
                // Its value cannot be computed for every row; COPY leaves generated columns out.
                execute(base, "ALTER TABLE item ADD COLUMN number integer GENERATED ALWAYS AS (name::integer) VIRTUAL");
            }
            execute(admin, "CREATE DATABASE " + names[1] + " TEMPLATE " + names[0]);
        }
        InPlaceRestore restores =
                new InPlaceRestore(RowFiles.in(SERVER.get().serverDirectory(RowFiles.DIRECTORY), "v1r7c2g")
                        .orElseThrow());
        try {
            try (Connection c = SERVER.get().connect(names[1])) {
                restores.track(names[1], names[0], c);
            }
            assertRestored(restores, names[1]);
        } finally {
            restores.close();
        }
    }

    /** The table {@code name} of the database {@code c} is connected to, as a base's table to read. */
    private static BaseRows.Table table(Connection c, String name, long size) throws SQLException {
        return new BaseRows.Table(
                Long.parseLong(rows(c, "SELECT '" + name + "'::regclass::oid").get(0)), "public." + name, "", size);
    }

    /** What {@code io}, a process's {@code /proc/<pid>/io}, says it wrote ({@code wchar}), in bytes. */
    private static long written(Path io) throws Exception {
        return Files.readAllLines(io).stream()
                .filter(line -> line.startsWith("wchar:"))
                .mapToLong(
                        line -> Long.parseLong(line.substring("wchar:".length()).trim()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aLinkWhereTheServersDirectoryGoesIsRefusedAndWhatItPointsToKeepsItsOwner(@TempDir Path elsewhere)
            throws Exception {
        Path link = SERVER.get().dataDirectory().resolve("linked-rows");
        Files.createSymbolicLink(link, elsewhere);
        try {
            Object owner = Files.getAttribute(elsewhere, "unix:uid");

            assertThatThrownBy(() -> SERVER.get().serverDirectory("linked-rows"))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(Files.getAttribute(elsewhere, "unix:uid")).isEqualTo(owner);
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void aFileIsNotWrittenThroughALinkInItsPlace(@TempDir Path elsewhere) throws Exception {
        Path directory = SERVER.get().serverDirectory(RowFiles.DIRECTORY + "-linked");
        Path secret = Files.writeString(elsewhere.resolve("secret"), "secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        long next = RowFiles.NEXT.get();
        for (long n = next + 1; n <= next + 1000; n++) {
            Files.createSymbolicLink(directory.resolve("l2n9k4s." + n + ".bin"), secret);
        }
        RowFiles files = RowFiles.in(directory, "l2n9k4s").orElseThrow();
        try (Connection c = SERVER.get().connect("postgres")) {
            assertThat(files.write(c, new byte[] {1, 2, 3})).isEmpty();
        }
        assertThat(Files.readString(secret)).isEqualTo("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");
    }

    @Test
    void aSweepDeletesTheFilesOfRunsThatAreNotAliveOnly(@TempDir Path directory) throws Exception {
        for (String name : List.of("own1234.1.bin", "live123.1.bin", "dead123.1.bin", "dead123.2.bin", "other.txt")) {
            Files.writeString(directory.resolve(name), "rows");
        }
        RowFiles files = RowFiles.in(directory, "own1234").orElseThrow();

        List<Path> swept = files.sweep(run -> run.equals("live123"));

        assertThat(swept)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("dead123.1.bin", "dead123.2.bin");
        try (Stream<Path> left = Files.list(directory)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("own1234.1.bin", "live123.1.bin", "other.txt");
        }
    }

    @Test
    void aDirectoryWhosePathIsNoPlainStringLiteralIsNotUsed() {
        assertThat(RowFiles.in(Path.of("/tmp/it's"), "k3x9q2a")).isEmpty();
        assertThat(RowFiles.in(Path.of("/tmp/back\\slash"), "k3x9q2a")).isEmpty();
        assertThat(RowFiles.in(Path.of("relative"), "k3x9q2a")).isEmpty();
    }

    /** Changes the branch's rows, restores it, and checks that its rows are the base's again. */
    private static void assertRestored(InPlaceRestore restores, String branch) throws Exception {
        try (Connection test = SERVER.get().connect(branch)) {
            execute(test, "UPDATE item SET name = 'changed by a test'; DELETE FROM item WHERE id = 2");
        }
        awaitNoSession(SERVER.get(), branch);
        try (Connection c = SERVER.get().connect(branch)) {
            assertThat(restores.restore(branch, c, null))
                    .as("why it was not restored")
                    .isEmpty();
            assertThat(rows(c, "SELECT id || ' ' || name FROM item ORDER BY id"))
                    .containsExactly("1 item 1", "2 item 2", "3 item 3");
        }
        awaitNoSession(SERVER.get(), branch);
    }

    private static List<String> filesOf(Path directory, String run) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(run + "."))
                    .toList();
        }
    }

    /** A base {@code name} with three items, and a branch of it: their names. */
    private static String[] branchOf(String name) throws SQLException {
        try (Connection admin = SERVER.get().connect("postgres")) {
            execute(admin, "CREATE DATABASE " + name);
            try (Connection base = SERVER.get().connect(name)) {
                execute(
                        base,
                        "CREATE TABLE item (id integer PRIMARY KEY, name text); "
                                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i");
            }
            execute(admin, "CREATE DATABASE " + name + "_branch TEMPLATE " + name);
        }
        return new String[] {name, name + "_branch"};
    }
}
