package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The watchdog's script on its own, around a stand-in for the server that writes its {@code postmaster.pid} as
 * PostgreSQL does and then sleeps.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class WatchdogTests {

    private Path work;
    private Path data;
    private Process script;

    @BeforeEach
    void workDirectory() throws IOException {
        work = TestCaches.newDirectory("watchdog-tests-");
        data = Files.createDirectory(work.resolve("pgdata"));
    }

    @AfterEach
    void stop() throws IOException {
        if (script != null) {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
        PostgresBinaries.deleteRecursively(work);
    }

    @Test
    void aScriptWhosePipeNoJvmHoldsAnyMoreStopsItsServer() throws Exception {
        assertTheScriptStopsAServerThat("echo $$ > \"$0/postmaster.pid\"; exec sleep 60");
    }

    /**
     * A server starting on a busy machine writes its {@code postmaster.pid} a while after its process started: until
     * then it is no server on another data directory, to be killed without a word, but one to stop as any other.
     */
    @Test
    void aServerThatHasNotWrittenItsPidFileYetIsStoppedAsItsOwn() throws Exception {
        assertTheScriptStopsAServerThat("sleep 2; echo $$ > \"$0/postmaster.pid\"; exec sleep 60");
    }

    /**
     * A server killed earlier left its {@code postmaster.pid}, naming a process that is gone: a new server replaces
     * it once it has started, and is stopped as its own until then too.
     */
    @Test
    void aServerThatHasNotReplacedAStalePidFileYetIsStoppedAsItsOwn() throws Exception {
        Files.writeString(data.resolve("postmaster.pid"), "999999999\n");
        assertTheScriptStopsAServerThat("sleep 2; echo $$ > \"$0/postmaster.pid\"; exec sleep 60");
    }

    /**
     * The watcher tells that a JVM came by the line each writes, not by a read of the pipe that ended in a later
     * second than it began: on a busy machine, where starting {@code date} took a second here, every read did, and
     * the linger started again each time, for good.
     */
    @Test
    void aLingerEndsWhereEveryCommandTakesASecond() throws Exception {
        Path bin = Files.createDirectory(work.resolve("bin"));
        Path date = Files.writeString(
                bin.resolve("date"),
                "#!/bin/sh\nsleep 1\nexec " + (Files.isExecutable(Path.of("/bin/date")) ? "/bin/date" : "/usr/bin/date")
                        + " \"$@\"\n");
        assertThat(date.toFile().setExecutable(true, false)).isTrue();

        assertTheScriptStops(
                "echo $$ > \"$0/postmaster.pid\"; exec sleep 120",
                Duration.ofSeconds(2),
                Map.of("PATH", bin + ":" + System.getenv("PATH")),
                Duration.ofSeconds(40));
    }

    private void assertTheScriptStopsAServerThat(String runs) throws Exception {
        assertTheScriptStops(runs, Duration.ZERO, Map.of(), Duration.ofSeconds(10));
    }

    private void assertTheScriptStops(String runs, Duration linger, Map<String, String> environment, Duration within)
            throws Exception {
        // The JVM that made the pipe and started the script died before the script opened the pipe.
        Process mkfifo = new ProcessBuilder("mkfifo", Watchdog.pipe(data).toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        List<String> standIn = List.of("sh", "-c", runs, data.toString());

        ProcessBuilder builder = new ProcessBuilder(Watchdog.wrap(data, linger, standIn)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        script = builder.start();

        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return e.toString();
            }
        });
        String said = firstLine
                .completeOnTimeout("(nothing)", within.toSeconds(), TimeUnit.SECONDS)
                .get();
        assertThat(said)
                .as("what the script said within %s s", within.toSeconds())
                .contains(Watchdog.NAME + ": no JVM uses this server any more; stopping it");
    }
}
