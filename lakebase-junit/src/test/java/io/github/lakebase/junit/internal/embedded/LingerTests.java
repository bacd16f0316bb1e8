package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code lakebase.embedded.linger}: the server of a persistent data directory stays up for a while after its last
 * user has gone, and a run that starts meanwhile joins it instead of starting one.
 *
 * <p>One test at a time: they measure time, and on a busy machine the servers that other test classes start and stop
 * meanwhile slow theirs down by seconds. The lingers leave room for that.
 */
@Execution(ExecutionMode.SAME_THREAD)
class LingerTests {

    /** Leaves a run that joins a lingering server many seconds to start on a busy machine. */
    private static final Duration LINGER = Duration.ofSeconds(20);
    /** How long a server may take to stop once its watchdog asks it to (its fast shutdown, then SIGQUIT). */
    private static final Duration STOPPING = Duration.ofSeconds(20);

    private Path work;
    private Path data;

    @BeforeEach
    void workDirectory() throws IOException {
        work = TestCaches.newDirectory("linger-tests-");
        data = work.resolve("pgdata");
    }

    @AfterEach
    void deleteWorkDirectory() throws IOException {
        // A test that failed may leave a lingering server: stop it before its directory goes.
        postmaster().ifPresent(p -> {
            p.destroy();
            p.onExit().join();
        });
        PostgresBinaries.deleteRecursively(work);
    }

    private EmbeddedServer start(Duration linger) {
        return start(linger, Map.of());
    }

    private EmbeddedServer start(Duration linger, Map<String, String> settings) {
        return EmbeddedServer.start(TestCaches.persistent(data, linger, settings));
    }

    @Test
    void theServerOutlivesItsLastUserForTheLingerAndTheNextRunJoinsIt() throws Exception {
        ProcessHandle first;
        try (EmbeddedServer server = start(LINGER)) {
            first = postmaster().orElseThrow();
            try (Connection c = server.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE made_by_the_first_run");
            }
        }
        Thread.sleep(1_000);
        assertThat(first.isAlive())
                .as("the server, a second after its last user left")
                .isTrue();

        try (EmbeddedServer server = start(LINGER)) {
            assertThat(postmaster()).as("the server the second run uses").contains(first);
            assertThat(TestCaches.query(
                            server, "SELECT count(*) FROM pg_database WHERE datname = 'made_by_the_first_run'"))
                    .isEqualTo("1");
        }
        // Fails with a TimeoutException if the server outlives its linger.
        first.onExit().get(LINGER.plus(STOPPING).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(data.resolve("postmaster.pid")).as("a clean shutdown's").doesNotExist();
    }

    @Test
    void theLingerCountsFromWhenTheLastUserLeft() throws Exception {
        Duration linger = Duration.ofSeconds(16);
        ProcessHandle server = serverLeftBy(linger);
        long firstLeft = System.nanoTime();
        Thread.sleep(4_000); // leaves 12 s for the second run to start while other tests start and stop servers
        try (EmbeddedServer second = start(linger)) {
            assertThat(second.running()).isTrue();
            assertThat(postmaster()).contains(server);
            sleepUntil(firstLeft, Duration.ofSeconds(14));
        }
        // Past the end of a linger counted from the first run's leaving (whole seconds, checked once a second).
        sleepUntil(firstLeft, linger.plusSeconds(4));
        assertThat(server.isAlive())
                .as("20 s after the first run left, about 6 s after the second did, with a linger of 16 s")
                .isTrue();
        assertThat(data.resolve(Watchdog.STOPPING))
                .as("the mark of a watchdog that decided to stop the server")
                .doesNotExist();
    }

    @Test
    void aServerWhoseWatchdogHasBegunToStopItIsNotJoined() throws Exception {
        ProcessHandle lingering = serverLeftBy(Duration.ofSeconds(2));
        // What the watchdog writes once it has decided to stop the server: a run that joins then could lose the
        // server under its first test.
        Path stopping = Files.writeString(data.resolve(Watchdog.STOPPING), "");
        Files.setOwner(stopping, Files.getOwner(data));

        try (EmbeddedServer server = start(Duration.ofSeconds(2))) {
            assertThat(postmaster()).as("a server of its own").get().isNotEqualTo(lingering);
            assertThat(lingering.isAlive()).isFalse();
            assertThat(data.resolve(Watchdog.STOPPING))
                    .as("the stopped server's mark")
                    .doesNotExist();
            assertThat(TestCaches.query(server, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void aWatchdogStopsLingeringOnceItsServerIsGone() throws Exception {
        ProcessHandle server = serverLeftBy(Duration.ofMinutes(10));
        ProcessHandle script = server.parent().orElseThrow();
        List<ProcessHandle> watchers =
                script.children().filter(c -> !c.equals(server)).toList();
        assertThat(watchers).as("the watchdog's watcher").isNotEmpty();

        // The watchdog's script and its server killed at once: nothing is left to end the watcher but itself.
        script.destroyForcibly();
        server.destroyForcibly();

        for (ProcessHandle watcher : watchers) {
            watcher.onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(data.resolve(Watchdog.STOPPING))
                .as("a mark for a server that is gone, which the next server would take for its own")
                .doesNotExist();
    }

    @Test
    void aWatchdogThatIsKilledStopsItsServerRatherThanLeaveItToNoOne() throws Exception {
        ProcessHandle server = serverLeftBy(Duration.ofMinutes(10));
        ProcessHandle script = server.parent().orElseThrow();
        List<ProcessHandle> watchers =
                script.children().filter(c -> !c.equals(server)).toList();
        assertThat(watchers).as("the watchdog's watcher").isNotEmpty();

        // What `pkill -f lakebase-junit-watchdog` does: SIGTERM to the script and its watcher alike.
        script.destroy();
        watchers.forEach(ProcessHandle::destroy);

        assertThat(server.onExit()
                        .completeOnTimeout(null, STOPPING.toSeconds(), TimeUnit.SECONDS)
                        .get())
                .as("the server, which nothing would stop any more")
                .isNotNull();
        assertThat(data.resolve("postmaster.pid")).as("a clean shutdown's").doesNotExist();
    }

    @Test
    void aRunThatJoinsAServerStartedWithOtherSettingsSaysWhichDiffer() throws Exception {
        serverLeftBy(Duration.ofMinutes(10));
        String same = logOf(() -> start(LINGER).close());
        String other = logOf(() -> start(LINGER, Map.of("work_mem", "7MB")).close());

        assertThat(same).doesNotContain("other settings");
        assertThat(other)
                .contains("The embedded PostgreSQL server on " + data + " was started with other settings than this "
                        + "run asks for")
                .contains("work_mem unset (this run: 7MB)")
                .doesNotContain("max_connections");
    }

    /** What the library logged while {@code action} ran (slf4j-simple writes to {@code System.err}). */
    private static String logOf(Runnable action) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(tee);
            action.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLingerShorterThanASecondIsNotCutToNothing() throws Exception {
        ProcessHandle server = serverLeftBy(Duration.ofMillis(500));
        Thread.sleep(400);
        assertThat(server.isAlive())
                .as("0.4 s after its last user left, with a linger of 0.5 s")
                .isTrue();
    }

    @Test
    void aShortHoldStartsTheLingerAgain() throws Exception {
        Duration linger = Duration.ofSeconds(20);
        ProcessHandle server = serverLeftBy(linger);
        long firstLeft = System.nanoTime();
        Thread.sleep(7_000); // leaves 13 s for the second run to start while other tests start and stop servers
        assertThat(serverLeftBy(linger))
                .as("the server a second run held for a few milliseconds")
                .isEqualTo(server);
        // Past the end of a linger counted from the first run's leaving (whole seconds, checked once a second).
        sleepUntil(firstLeft, linger.plusSeconds(4));
        assertThat(server.isAlive())
                .as("24 s after the first run left, about 17 s after the second did, with a linger of 20 s")
                .isTrue();
        assertThat(data.resolve(Watchdog.STOPPING))
                .as("the mark of a watchdog that decided to stop the server")
                .doesNotExist();
    }

    /** Sleeps until {@code after} has passed since {@code start} ({@link System#nanoTime()}). */
    private static void sleepUntil(long start, Duration after) throws InterruptedException {
        long left = after.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    @Test
    void aRunWithoutALingerThatLeavesALingeringServerLastLeavesItLingering() throws Exception {
        ProcessHandle server = serverLeftBy(LINGER);
        assertThat(serverLeftBy(Duration.ZERO))
                .as("the server a run without a linger joined")
                .isEqualTo(server);
        Thread.sleep(1_000);
        assertThat(server.isAlive())
                .as("the linger of the run that started the server applies")
                .isTrue();
    }

    @Test
    void aLingeringServerWhoseDataDirectoryIsDeletedStopsAtOnceAndLeavesTheNextClusterAlone() throws Exception {
        ProcessHandle old = serverLeftBy(Duration.ofMinutes(10));
        // What `mvn clean` or deleting the cache does while a server lingers; the server may still write a file
        // meanwhile, which a second pass deletes.
        deleteWhileTheServerRuns(data);
        for (String suffix : List.of(".lock", ".log", Watchdog.SUFFIX)) {
            Files.deleteIfExists(EmbeddedServer.sibling(data, suffix));
        }

        try (EmbeddedServer second = start(Duration.ZERO)) {
            assertThat(postmaster()).get().isNotEqualTo(old);
            old.onExit().get(10, TimeUnit.SECONDS);
            assertThat(data.resolve(Watchdog.STOPPING))
                    .as("the old server's mark")
                    .doesNotExist();
            assertThat(TestCaches.query(second, "SELECT 1")).isEqualTo("1");
        }
        try (EmbeddedServer third = start(Duration.ZERO)) {
            assertThat(TestCaches.query(third, "SELECT 1"))
                    .as("the new cluster, after a restart")
                    .isEqualTo("1");
        }
    }

    @Test
    void withoutALingerTheLastUserStopsTheServerAsItLeaves() throws Exception {
        ProcessHandle server = serverLeftBy(Duration.ZERO);
        assertThat(server.isAlive()).isFalse();
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
    }

    /** The server a run with {@code linger} started on {@link #data} and has left: lingering, or stopped. */
    private ProcessHandle serverLeftBy(Duration linger) {
        try (EmbeddedServer run = start(linger)) {
            assertThat(run.running()).isTrue();
            return postmaster().orElseThrow();
        }
    }

    private static void deleteWhileTheServerRuns(Path directory) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                PostgresBinaries.deleteRecursively(directory);
                return;
            } catch (IOException | UncheckedIOException e) { // a file written or deleted by the server meanwhile
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The server that runs on {@link #data}, as its {@code postmaster.pid} names it. */
    private Optional<ProcessHandle> postmaster() {
        Path pid = data.resolve("postmaster.pid");
        try {
            return Files.exists(pid)
                    ? ProcessHandle.of(Long.parseLong(
                                    Files.readAllLines(pid).get(0).trim()))
                            .filter(ProcessHandle::isAlive)
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
