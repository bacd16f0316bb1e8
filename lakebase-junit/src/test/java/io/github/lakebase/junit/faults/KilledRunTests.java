package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a test JVM that holds branches (a per-class branch, named branches, a migrated
 * base on a built parent, and a kept branch from an earlier test): its server does not outlive it, and
 * the next run on the same data directory starts cleanly, sweeps everything the dead run created
 * except its kept branch (its spares too), and forks from the base and parent kept for later runs
 * instead of building them again. The JVMs to kill are real ones, started from this class path.
 */
class KilledRunTests {

    /** How long a killed JVM's server may outlive it: its watchdog asks for a fast shutdown at once. */
    private static final Duration SERVER_STOPS_WITHIN = Duration.ofSeconds(60); // an upper bound on a hang

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("killed-run-");

    private Path work;

    @BeforeEach
    void workDirectory() {
        work = jvms.work();
    }

    @Test
    void theNextRunOnThePersistentDataDirectorySweepsWhatTheKilledRunsCreatedButKept() throws Exception {
        Path dataDirectory = work.resolve("pgdata");
        Map<String, String> configuration = new HashMap<>(Map.of(
                "lakebase.embedded.data-directory", dataDirectory.toString(),
                "lakebase.embedded.max-connections", "40",
                "lakebase.parents", "staging",
                "lakebase.parent.staging.scripts", "classpath:parents/staging.sql",
                "lakebase.from", "staging"));

        // 1. A run holds branches of every kind, and is killed; its server stops by itself.
        ChildJvm first = start("first", HoldingTestCase.class, configuration, List.of());
        ChildJvm.Report held = first.awaitReport();
        String deadRun = held.run();
        assertThat(held.databasesOf(deadRun))
                .as("what the first run holds")
                .contains(
                        held.role("class") + " branch",
                        held.role("first") + " branch",
                        held.role("second") + " branch",
                        held.role("kept") + " kept");
        assertThat(held.kept())
                .as("the migrated base and the built parent, kept for later runs")
                .satisfiesExactlyInAnyOrder(
                        k -> assertThat(k).endsWith(" base"), k -> assertThat(k).endsWith(" parent"));
        assertThat(forkedAhead(held, deadRun))
                .as("branches it forked ahead for tests to come (recorded as test branches where connected ahead)")
                .hasSize(2)
                .allMatch(d -> d.endsWith(" spare") || d.endsWith(" branch"));
        String datadir = held.dataDirectory();
        assertThat(serverProcesses(datadir)).as("the first run's server").isNotEmpty();
        first.killJvm();
        assertServerStopsByItself(datadir);
        assertThat(Path.of(datadir, "postmaster.pid"))
                .as("the server was shut down, not killed")
                .doesNotExist();

        // 2. The next run on the data directory starts, sweeps, holds branches of its own, and is killed
        //    together with its server, as a CI runner's timeout kills a process group.
        ChildJvm second = start("second", HoldingTestCase.class, configuration, List.of());
        ChildJvm.Report seen = second.awaitReport();
        assertThat(seen.databasesOf(deadRun))
                .as("what the second run finds of the first, killed run")
                .containsExactly(held.role("kept") + " kept");
        String secondRun = seen.run();
        assertThat(seen.kept())
                .as("the kept base and parent, used again after the kill")
                .isEqualTo(held.kept());
        assertThat(seen.databasesOf(secondRun))
                .filteredOn(d -> !forkedAhead(seen, secondRun).contains(d))
                .containsExactlyInAnyOrder(
                        seen.role("class") + " branch",
                        seen.role("first") + " branch",
                        seen.role("second") + " branch",
                        seen.role("kept") + " kept");
        assertThat(forkedAhead(seen, secondRun)).hasSize(2);

        // A live run of another JVM on the same server (through lakebase.provider=postgres, as the data
        // directory serves one JVM only) sweeps at its start, and leaves the second run's branches alone.
        ChildJvm bystander = start(
                "bystander",
                NextRunTestCase.class,
                Map.of(
                        "lakebase.provider", "postgres",
                        "lakebase.postgres.url", seen.adminUrl(),
                        "lakebase.postgres.username", "postgres"),
                List.of(),
                Map.of("LAKEBASE_POSTGRES_PASSWORD", password(dataDirectory)));
        ChildJvm.Report beside = bystander.awaitReport();
        assertThat(bystander.awaitExit())
                .as("the bystander passes:\n%s", bystander.logTail())
                .isZero();
        assertThat(beside.run()).isNotIn(deadRun, secondRun);
        assertThat(beside.databasesOf(secondRun))
                .as("the live second run's branches, after another run's sweep")
                .containsExactlyInAnyOrderElementsOf(seen.databasesOf(secondRun));

        second.killJvmAndItsProcesses();
        assertThat(serverProcesses(datadir))
                .as("nothing of the second run runs")
                .isEmpty();
        assertThat(Path.of(datadir, "postmaster.pid"))
                .as("left by the killed server")
                .exists();
        // Whose process id still exists: a zombie that init has not reaped (some containers' init never
        // does), or an id the system gave to another process of the server's OS user.
        occupyProcessIdIn(Path.of(datadir, "postmaster.pid"));

        // 3. The next run starts on the stale postmaster.pid, and sweeps the second run's branches too.
        ChildJvm third = start("third", NextRunTestCase.class, configuration, List.of());
        ChildJvm.Report last = third.awaitReport();
        assertThat(third.awaitExit())
                .as("the third run passes:\n%s", third.logTail())
                .isZero();
        assertThat(last.databases())
                .filteredOn(d -> !d.contains(" " + last.run() + " "))
                .as("all that is left of the killed runs")
                .containsExactlyInAnyOrder(
                        held.role("kept") + " " + deadRun + " kept", seen.role("kept") + " " + secondRun + " kept");
        assertThat(last.kept()).isEqualTo(held.kept());
        assertThat(serverProcesses(datadir))
                .as("the third run stopped its server as it exited")
                .isEmpty();
    }

    @Test
    @SuppressWarnings("try") // held open for the block, not used in it
    void aKilledRunsServerStopsByItselfAndTheNextStartDeletesItsTemporaryDataDirectory() throws Exception {
        // A work directory of its own, so that no other test's server start sweeps the dead run's directory
        // before this test looks.
        Path ownWork = privateWorkDirectory();
        ChildJvm killed = start(
                "temporary",
                HoldingTestCase.class,
                Map.of(
                        "lakebase.embedded.max-connections", "40",
                        "lakebase.embedded.data-directory", "temporary",
                        "lakebase.embedded.cache-directory", ownWork.toString()),
                List.of());
        String datadir = killed.awaitReport().dataDirectory();
        Path directory = Path.of(datadir);
        assertThat(directory.getParent()).isEqualTo(ownWork.resolve("data").toRealPath());
        assertThat(serverProcesses(datadir)).as("the killed run's server").isNotEmpty();
        try (EmbeddedServer meanwhile = EmbeddedServer.start(temporary(ownWork))) {
            assertThat(directory)
                    .as("a live run's data directory, seconds old, after another start's sweep")
                    .exists();
        }
        assertThat(serverProcesses(datadir))
                .as("the live run's server after another start's sweep")
                .isNotEmpty();

        killed.killJvm();
        assertServerStopsByItself(datadir);
        assertThat(sibling(directory, ".log"))
                .as("the server's log")
                .content(StandardCharsets.UTF_8)
                .contains("no JVM uses this server any more")
                .contains("database system is shut down");
        assertThat(directory).as("nothing deleted the directory yet").exists();
        assertThat(sibling(directory, ".lock")).exists();

        try (EmbeddedServer next = EmbeddedServer.start(temporary(ownWork))) {
            assertThat(next.dataDirectory()).isNotEqualTo(directory).exists();
            assertThat(directory)
                    .as("the dead run's data directory, seconds old")
                    .doesNotExist();
            assertThat(sibling(directory, ".lock")).doesNotExist();
            assertThat(sibling(directory, ".log")).doesNotExist();
        }
        try (var left = Files.list(ownWork.resolve("data"))) {
            assertThat(left).as("what is left once the next server closed too").isEmpty();
        }
    }

    @Test
    @SuppressWarnings("try") // held open for the block, not used in it
    void aSecondServerOfTheJvmNeitherSweepsNorUnlocksTheDataDirectoryOfTheFirst() throws Exception {
        Path ownWork = privateWorkDirectory();
        try (EmbeddedServer first = EmbeddedServer.start(temporary(ownWork))) {
            Path lockFile = sibling(first.dataDirectory(), ".lock");
            assertThat(lockedByThisJvm(lockFile))
                    .as("the first server's data directory is locked")
                    .isTrue();
            try (EmbeddedServer second = EmbeddedServer.start(temporary(ownWork))) {
                assertThat(first.dataDirectory()).exists();
                // Closing any channel on a file releases the JVM's POSIX lock on it, whichever channel took it.
                assertThat(lockedByThisJvm(lockFile))
                        .as("still locked once the second server's sweep saw it")
                        .isTrue();
                try (var c = first.connect("postgres");
                        var st = c.createStatement();
                        var rs = st.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }
    }

    @Test
    void aServerThatOutlivedItsJvmIsStoppedByTheNextRunOnItsDataDirectory() throws Exception {
        Path dataDirectory = work.resolve("outlived");
        EmbeddedServer.Options options = new EmbeddedServer.Options(
                dataDirectory,
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                Optional.empty(),
                20,
                Map.of());
        ProcessHandle postmaster;
        try (EmbeddedServer first = EmbeddedServer.start(options)) {
            postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                            .get(0)
                            .trim()))
                    .orElseThrow();
            jvms.killAfterwards(postmaster);
            // As where there is no watchdog (no /bin/sh), or a JVM killed together with it: SIGKILL to the
            // watchdog's shell and watcher, so that nothing stops the server once its JVM lets it go.
            List<ProcessHandle> watchdog = ProcessHandle.current()
                    .descendants()
                    .filter(p -> p.info()
                            .arguments()
                            .map(a -> " " + String.join(" ", a) + " ")
                            .orElse("")
                            .contains(" -D " + dataDirectory + " "))
                    .filter(p -> !p.equals(postmaster))
                    .toList();
            assertThat(watchdog).as("the server's watchdog").isNotEmpty();
            // The watcher first: once its shell is gone, this JVM closes the shell's standard input, and a
            // watcher still alive would stop the server.
            List<ProcessHandle> watchers = watchdog.stream()
                    .filter(p -> p.parent().filter(watchdog::contains).isPresent())
                    .toList();
            assertThat(watchers).as("the watchdog's watcher").isNotEmpty();
            watchers.forEach(ProcessHandle::destroyForcibly);
            assertThat(ChildJvm.awaitStopped(watchers)).isEmpty();
            watchdog.forEach(ProcessHandle::destroyForcibly);
            assertThat(ChildJvm.awaitStopped(watchdog)).isEmpty();
            long deadline = System.nanoTime() + ChildJvm.TIMEOUT.toNanos();
            while (first.running() && System.nanoTime() < deadline) { // until this JVM has reaped the shell
                Thread.sleep(20);
            }
            assertThat(first.running())
                    .as("the server's process, as this JVM sees it")
                    .isFalse();
        } // close() now only releases the data directory, as the JVM's death would: the server is no child of it
        assertThat(ChildJvm.running(postmaster))
                .as("the server outlived its JVM's hold on the data directory")
                .isTrue();

        try (EmbeddedServer next = EmbeddedServer.start(options)) {
            assertThat(ChildJvm.running(postmaster))
                    .as("the server left running, stopped by the next run")
                    .isFalse();
            try (var c = next.connect("postgres");
                    var st = c.createStatement();
                    var rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /**
     * A work directory ({@code .../lakebase-junit}) of this test's own, whose temporary data directories
     * no other test's server start sweeps; the binaries are shared, not unpacked again.
     */
    private Path privateWorkDirectory() throws IOException {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path ownWork = Files.createDirectories(tmp.resolve("lakebase-junit"));
        Path sharedBinaries =
                Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit", "binaries"));
        Files.createSymbolicLink(ownWork.resolve("binaries"), sharedBinaries);
        for (Path p : List.of(tmp, ownWork)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return ownWork;
    }

    private static EmbeddedServer.Options temporary(Path workDirectory) {
        return new EmbeddedServer.Options(null, workDirectory, Optional.empty(), 20, Map.of());
    }

    /** Whether the kernel lists a lock of this JVM on {@code file} ({@code /proc/locks}). */
    private static boolean lockedByThisJvm(Path file) throws IOException {
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        String pid = " " + ProcessHandle.current().pid() + " ";
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .anyMatch(l -> l.contains(pid) && l.contains(":" + inode + " "));
    }

    /** Rewrites {@code postmaster.pid} to name a live process of its owner, the server's OS user. */
    private void occupyProcessIdIn(Path pidFile) throws IOException {
        int uid = (Integer) Files.getAttribute(pidFile, "unix:uid");
        int gid = (Integer) Files.getAttribute(pidFile, "unix:gid");
        List<String> command = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == uid
                ? List.of("sleep", "60")
                : Files.isExecutable(Path.of("/usr/bin/setpriv"))
                        ? List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--", "sleep", "60")
                        : List.of("runuser", "-u", Files.getOwner(pidFile).getName(), "--", "sleep", "60");
        Process sleeper = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        jvms.killAfterwards(sleeper.toHandle());
        List<String> lines = new ArrayList<>(Files.readAllLines(pidFile));
        lines.set(0, Long.toString(sleeper.pid()));
        Files.write(pidFile, lines);
    }

    private ChildJvm start(String name, Class<?> fixture, Map<String, String> configuration, List<String> jvmOptions)
            throws IOException {
        return start(name, fixture, configuration, jvmOptions, Map.of());
    }

    private ChildJvm start(
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment)
            throws IOException {
        return jvms.start(name, fixture, configuration, jvmOptions, environment);
    }

    /** The superuser password the library keeps in a data directory it created. */
    private static String password(Path dataDirectory) throws IOException {
        return Files.readString(dataDirectory.resolve("lakebase-junit.password"))
                .trim();
    }

    private static void assertServerStopsByItself(String datadir) throws InterruptedException {
        long deadline = System.nanoTime() + SERVER_STOPS_WITHIN.toNanos();
        List<Long> left = serverProcesses(datadir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = serverProcesses(datadir);
        }
        assertThat(left)
                .as("processes of the killed run's server on %s, %s after the kill", datadir, SERVER_STOPS_WITHIN)
                .isEmpty();
    }

    private static List<Long> serverProcesses(String datadir) {
        return ChildJvms.serverProcesses(datadir);
    }

    private static Path sibling(Path directory, String suffix) {
        return directory.resolveSibling(directory.getFileName() + suffix);
    }

    /** The databases of {@code run} in {@code report} ("name kind") that no test of it holds: its spares. */
    private static List<String> forkedAhead(ChildJvm.Report report, String run) {
        List<String> held = List.of("class", "first", "second", "kept").stream()
                .map(report::role)
                .toList();
        return report.databasesOf(run).stream()
                .filter(d -> !held.contains(d.split(" ")[0]))
                .toList();
    }

    /**
     * Holds branches of every kind until it is killed: a kept branch from its first test, then a
     * per-class branch and two named branches, forked from a migrated base on the configured parent.
     */
    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class HoldingTestCase {

        static volatile String kept;

        @Test
        @Order(1)
        void keepsABranch(@LakebaseBranch(name = "kept", cleanup = CleanupMode.NEVER) Branch branch) {
            kept = branch.name();
        }

        @Test
        @Order(2)
        void holdsItsBranchesUntilKilled(
                Branch perClass,
                @LakebaseBranch(name = "first") Branch first,
                @LakebaseBranch(name = "second") Branch second)
                throws Exception {
            HoldBranchesMain.awaitSpares(perClass, 2, first, second);
            HoldBranchesMain.report(
                    perClass,
                    Map.of("class", perClass.name(), "first", first.name(), "second", second.name(), "kept", kept));
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }

    /** A run after a killed one: reports what it finds, and exits. */
    @LakebaseBranch
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class NextRunTestCase {

        @Test
        void reportsWhatItFinds(Branch branch) throws Exception {
            HoldBranchesMain.report(branch, Map.of("branch", branch.name()));
        }
    }
}
