package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server process on a data directory: one this JVM starts, under a {@link Watchdog}
 * where there is one, or one that another JVM runs there and this JVM joins.
 *
 * <pre>{@code
 * Postmaster postmaster = Postmaster.start(tools, dataDirectory, logFile, settings, Duration.ZERO, 0, port -> {});
 * int port = postmaster.port();
 * postmaster.stop();
 * }</pre>
 */
final class Postmaster {

    private static final Logger LOG = LoggerFactory.getLogger(Postmaster.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final PgTools tools;
    private final Path dataDirectory;
    private final int port;
    /** What this JVM started (the watchdog's shell, or the server itself), or {@code null} for a joined server. */
    private final Process process;

    private final ProcessHandle server;
    /** This JVM's hold on the watchdog's pipe, or {@code null} where the server runs unwatched. */
    private final Watchdog.Hold hold;
    /** How long this JVM leaves the server up when it leaves last ({@code lakebase.embedded.linger}). */
    private final Duration linger;

    private Postmaster(
            PgTools tools,
            Path dataDirectory,
            int port,
            Process process,
            ProcessHandle server,
            Watchdog.Hold hold,
            Duration linger) {
        this.tools = tools;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.process = process;
        this.server = server;
        this.hold = hold;
        this.linger = linger;
    }

    /**
     * Starts a server on {@code dataDirectory} and a free loopback port; returns once it accepts
     * connections.
     *
     * @param settings server settings, without the port
     * @param linger how long the server stays up once no JVM holds it (its watchdog's wait); zero for none
     * @param stalePid the process id in a stale {@code postmaster.pid} of the directory, or 0
     * @param starting told the port once the server process runs, while it starts up
     */
    static Postmaster start(
            PgTools tools,
            Path dataDirectory,
            Path logFile,
            Map<String, String> settings,
            Duration linger,
            long stalePid,
            IntConsumer starting)
            throws IOException {
        // The mark of a watchdog that stopped an earlier server here; a server that this one's watchdog stops writes
        // its own.
        Files.deleteIfExists(dataDirectory.resolve(Watchdog.STOPPING));
        boolean watched = Watchdog.available();
        if (!watched) {
            LOG.debug("No /bin/sh or mkfifo here: the embedded server is not stopped by a watchdog if this JVM dies "
                    + "without stopping it; the next run stops it");
        }
        ProviderException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(
                    List.of(tools.bin("postgres"), "-D", dataDirectory.toString(), "-p", Integer.toString(port)));
            settings.forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
            Watchdog.Hold hold = watched ? Watchdog.create(dataDirectory, tools.osUser()) : null;
            ProcessBuilder builder = ChildProcesses.builder(
                            tools.osUser().command(watched ? Watchdog.wrap(dataDirectory, linger, command) : command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (stalePid > 0) {
                // PostgreSQL's own way (pg_ctl uses it) to disregard a process id in postmaster.pid; it still
                // checks that no process of the killed server is attached to its shared memory.
                builder.environment().put("PG_GRANDPARENT_PID", Long.toString(stalePid));
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException | RuntimeException e) {
                if (hold != null) {
                    hold.close();
                }
                if (e instanceof IOException io && ExecFailure.startFailure(io)) {
                    throw ExecFailure.of(
                            Path.of(tools.bin("postgres")), String.valueOf(e.getMessage()), tools.osUser());
                }
                throw e;
            }
            Postmaster started = new Postmaster(tools, dataDirectory, port, process, null, hold, linger);
            starting.accept(port);
            try {
                return started.awaitReady(logFile);
            } catch (ProviderException e) {
                last = e;
                started.kill();
                if (!logTail(logFile).contains("could not bind")) {
                    break;
                }
            }
        }
        throw last;
    }

    /**
     * The server another JVM runs on {@code dataDirectory}, or an earlier one left lingering, joined. Empty when no
     * server accepts connections there (none runs, or it is starting or stopping).
     *
     * @param linger how long this JVM leaves the server up when it leaves last, where the server's watchdog does not
     *     say (the linger of the JVM that started the server applies)
     */
    static Optional<Postmaster> join(PgTools tools, Path dataDirectory, Duration linger) {
        List<String> pid = PidFiles.lines(dataDirectory);
        if (pid.size() < 8 || !pid.get(7).trim().equals("ready")) {
            return Optional.empty();
        }
        Optional<ProcessHandle> server = PidFiles.parseLong(pid.get(0))
                .flatMap(ProcessHandle::of)
                .filter(Processes::running)
                .filter(p -> PidFiles.servesDirectory(p, dataDirectory));
        Optional<Integer> port = PidFiles.parseLong(pid.get(3)).map(Long::intValue);
        if (server.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        Watchdog.Hold hold =
                Watchdog.watches(server.get()) ? Watchdog.join(dataDirectory).orElse(null) : null;
        Duration its =
                hold == null ? Duration.ZERO : Watchdog.linger(server.get()).orElse(linger);
        return Optional.of(new Postmaster(tools, dataDirectory, port.get(), null, server.get(), hold, its));
    }

    int port() {
        return port;
    }

    /** Whether the server was started by a watchdog that still runs, and this JVM holds its pipe. */
    boolean watched() {
        return hold != null;
    }

    /**
     * Whether this JVM's hold keeps the server up until it lets go: it holds the watchdog's pipe, and the watchdog
     * had not decided to stop the server when it took it ({@link Watchdog#STOPPING}).
     */
    boolean heldUp() {
        return hold != null && !Files.exists(dataDirectory.resolve(Watchdog.STOPPING));
    }

    /** Tells the server's watchdog that a JVM joined: a linger under way starts again when it leaves. */
    void announce() {
        if (hold != null) {
            hold.announce();
        }
    }

    /**
     * Whether the server runs, as this JVM sees it: the process it started (the watchdog's shell, or the
     * server), or the server it joined.
     */
    boolean running() {
        return process != null ? process.isAlive() : Processes.running(server);
    }

    /** Waits (at most {@code timeout}) until the server has stopped. */
    boolean awaitStopped(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running() && System.nanoTime() < deadline) {
            sleep(50);
        }
        return !running();
    }

    /** Stops the server (fast shutdown), then lets it go; kills it if it does not stop. */
    void stop() {
        try {
            if (running()) {
                try {
                    tools.run(
                            List.of(
                                    tools.bin("pg_ctl"),
                                    "stop",
                                    "-D",
                                    dataDirectory.toString(),
                                    "-m",
                                    "fast",
                                    "-w",
                                    "-t",
                                    "60"),
                            Duration.ofSeconds(70));
                } catch (ProviderException e) {
                    LOG.warn("Fast shutdown of the embedded PostgreSQL server failed, killing it: {}", e.getMessage());
                }
                if (!awaitStopped(Duration.ofSeconds(10))) {
                    kill();
                }
            }
        } finally {
            release();
        }
    }

    /**
     * Lets the server go as the last JVM that uses it: stops it, or, with a linger, leaves it to its watchdog,
     * which stops it once nobody has held it for that long.
     */
    void leaveLast() {
        if (linger.isZero() || hold == null || !running()) {
            stop();
            return;
        }
        LOG.info(
                "Leaving the embedded PostgreSQL server on {} running for {} ({}), for the next run to join",
                dataDirectory,
                ProviderContext.formatDuration(linger),
                Keys.LINGER);
        hold.announce();
        release();
    }

    /** Lets the server go: it stops once no JVM holds it any more. */
    void release() {
        if (hold != null) {
            hold.close();
        }
    }

    /**
     * Stops a server that would not stop normally: its watchdog asks for a shutdown once this JVM lets go,
     * and what still runs after that is killed.
     */
    void kill() {
        release();
        if (process == null) {
            server.destroyForcibly();
            return;
        }
        try {
            if (hold != null && process.waitFor(15, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private Postmaster awaitReady(Path logFile) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                if (ExecFailure.exitCode(process.exitValue())) { // the shell or setpriv could not run it
                    throw ExecFailure.of(Path.of(tools.bin("postgres")), logTail(logFile), tools.osUser());
                }
                throw new ProviderException(
                        "The embedded PostgreSQL server exited during startup (code " + process.exitValue()
                                + "). Its log " + logFile + " ends with:\n" + logTail(logFile),
                        null);
            }
            // PostgreSQL says in postmaster.pid when it accepts connections; the file must be this server's, not a
            // killed one's.
            List<String> pid = PidFiles.lines(dataDirectory);
            if (pid.size() >= 8 && pid.get(7).trim().equals("ready")) {
                Optional<ProcessHandle> ours = PidFiles.parseLong(pid.get(0))
                        .flatMap(ProcessHandle::of)
                        .filter(p -> p.equals(process.toHandle())
                                || process.descendants().anyMatch(p::equals));
                if (ours.isPresent()) {
                    return new Postmaster(tools, dataDirectory, port, process, ours.get(), hold, linger);
                }
            }
            sleep(10);
        }
        throw new ProviderException(
                "The embedded PostgreSQL server did not accept connections within " + STARTUP_TIMEOUT.toSeconds()
                        + "s. Its log " + logFile + " ends with:\n" + logTail(logFile),
                null);
    }

    static String logTail(Path logFile) {
        try (Stream<String> lines = Files.lines(logFile)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while waiting for the embedded PostgreSQL server", e);
        }
    }
}
