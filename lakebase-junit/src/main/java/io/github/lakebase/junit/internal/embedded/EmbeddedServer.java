package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from zonky's binaries for the tests of one JVM: initdb (or reuse of a
 * persistent data directory), start on a free loopback port with settings tuned for tests, and a
 * fast shutdown at the end. Works when the JVM runs as root, through {@link OsUser}.
 *
 * <p>A JVM that dies without stopping its server ({@code kill -9}) leaves nothing running: the
 * server's {@link Watchdog} stops it within seconds. Its data directory stays locked by the JVM
 * ({@link DataDirectoryLock}) until it dies, so the next run knows it is abandoned: it deletes a
 * temporary one, and reuses a persistent one after stopping whatever server still runs on it.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD_FILE = "lakebase-junit.password";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A temporary data directory without a lock file was made by an older version of the library, which
     * created the directory before locking it: younger than this, it may belong to a JVM still starting.
     */
    private static final Duration UNLOCKED_MIN_AGE = Duration.ofMinutes(2);

    private final Options options;
    private final OsUser osUser;
    private final Path installation;
    private final Path dataDirectory;
    private final Path logFile;
    private final DataDirectoryLock lock;
    private final String password;
    private Process process;
    /**
     * The process id in a stale {@code postmaster.pid} of the data directory (its server was killed), or 0.
     * The server is told to disregard it: that id may still exist as a zombie, or as another process.
     */
    private long stalePostmasterPid;
    /** Whether {@link #process} is the server's {@link Watchdog}, which stops it when this JVM is gone. */
    private boolean watched;
    private int port;
    private String version;
    private String copyOnWrite;

    /**
     * How to run the server.
     *
     * @param dataDirectory a persistent data directory, or {@code null} for a temporary one
     * @param workDirectory where binaries and temporary data directories go
     * @param osUser the OS user to run as when the JVM runs as root, or empty for the default
     * @param maxConnections {@code max_connections}
     * @param settings further server settings
     */
    public record Options(Path dataDirectory, Path workDirectory, java.util.Optional<String> osUser,
            int maxConnections, Map<String, String> settings) {}

    private EmbeddedServer(Options options) throws IOException {
        this.options = options;
        this.osUser = OsUser.resolve(options.osUser());
        Path work = options.workDirectory();
        Files.createDirectories(work);
        this.installation = PostgresBinaries.install(work.resolve("binaries"));
        if (options.dataDirectory() == null) {
            Path parent = Files.createDirectories(work.resolve("data"));
            sweepTemporaryDirectories(parent);
            this.lock = DataDirectoryLock.newTemporaryDirectory(parent);
            this.dataDirectory = lock.directory();
        } else {
            this.dataDirectory = options.dataDirectory().toAbsolutePath();
            this.lock = DataDirectoryLock.forDirectory(dataDirectory);
        }
        this.logFile = sibling(dataDirectory, ".log");
        try {
            osUser.checkCanReach(dataDirectory, "The data directory");
            osUser.checkCanReach(installation.resolve("bin"), "The PostgreSQL binaries in");
            Files.createDirectories(dataDirectory);
            this.password = prepareDataDirectory();
        } catch (IOException | RuntimeException | Error e) {
            deleteTemporaryDirectory();
            lock.close();
            throw e;
        }
    }

    /** The file {@code <directory><suffix>} beside {@code directory}: its log, lock or password file. */
    private static Path sibling(Path directory, String suffix) {
        return directory.resolveSibling(directory.getFileName() + suffix);
    }

    /**
     * Starts a server; returns when it accepts connections.
     *
     * @param options how to run it
     * @return the running server
     */
    public static EmbeddedServer start(Options options) {
        try {
            EmbeddedServer server = new EmbeddedServer(options);
            try {
                server.startPostmaster();
                server.inspect();
                return server;
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new ProviderException("Could not start the embedded PostgreSQL server: " + e.getMessage(), e);
        }
    }

    public String host() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    public int port() {
        return port;
    }

    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    public String version() {
        return version;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether the data directory outlives this server ({@code lakebase.embedded.data-directory}). */
    public boolean persistent() {
        return options.dataDirectory() != null;
    }

    /** A sentence saying whether database clones on the data directory are copy-on-write. */
    public String copyOnWriteReport() {
        return copyOnWrite;
    }

    /** Whether the server process still runs. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Opens a superuser connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    private String prepareDataDirectory() throws IOException {
        Path passwordFile = dataDirectory.resolve(PASSWORD_FILE);
        if (Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))) {
            String major = Files.readString(dataDirectory.resolve("PG_VERSION")).trim();
            String ours = majorFromBinary();
            if (!major.equals(ours)) {
                throw ProviderException.configuration("The data directory " + dataDirectory + " holds a PostgreSQL "
                        + major + " cluster, but the embedded server is PostgreSQL " + ours + ". Delete the directory "
                        + "or point lakebase.embedded.data-directory elsewhere.");
            }
            if (!Files.isRegularFile(passwordFile)) {
                throw ProviderException.configuration("The data directory " + dataDirectory + " holds a PostgreSQL "
                        + "cluster that lakebase-junit did not create (no " + PASSWORD_FILE + "); it is left alone. "
                        + "Point lakebase.embedded.data-directory at an empty or new directory.");
            }
            stalePostmasterPid = stopServerLeftOn(dataDirectory);
            return Files.readString(passwordFile).trim();
        }
        try (var entries = Files.list(dataDirectory)) {
            if (entries.findAny().isPresent()) {
                throw ProviderException.configuration("The data directory " + dataDirectory + " is not empty and holds "
                        + "no PostgreSQL cluster; it is left alone. Point lakebase.embedded.data-directory at an empty "
                        + "or new directory.");
            }
        }
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String generated = HexFormat.of().formatHex(secret);
        osUser.own(dataDirectory);
        Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = sibling(dataDirectory, ".pwfile");   // named after the directory, so a sweep finds it
        try {
            Files.deleteIfExists(pwfile);
            Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, generated + "\n");
            osUser.own(pwfile);
            run(List.of(bin("initdb"), "-D", dataDirectory.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                    "-A", "scram-sha-256", "-E", "UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
                    "--no-sync", "--no-instructions"), Duration.ofMinutes(3));
        } finally {
            Files.deleteIfExists(pwfile);
        }
        Files.writeString(passwordFile, generated + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        return generated;
    }

    /**
     * Deletes the temporary data directories of JVMs that are gone (killed, or crashed): those whose lock
     * is free. A server such a JVM left running (its watchdog stops it by itself, within seconds) is
     * stopped first.
     */
    private void sweepTemporaryDirectories(Path parent) {
        List<DataDirectoryLock> abandoned;
        try {
            abandoned = DataDirectoryLock.takeOverAbandoned(parent, UNLOCKED_MIN_AGE);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not sweep {}: {}", parent, e.getMessage());
            return;
        }
        for (DataDirectoryLock dead : abandoned) {
            Path dir = dead.directory();
            try {
                boolean existed = Files.exists(dir);
                stopServerLeftOn(dir);
                PostgresBinaries.deleteRecursively(dir);
                Files.deleteIfExists(sibling(dir, ".log"));
                Files.deleteIfExists(sibling(dir, ".pwfile"));
                dead.deleteLockFile();
                if (existed) {
                    LOG.info("Deleted the temporary data directory {} of a test JVM that is gone", dir);
                }
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("Could not delete {}: {}", dir, e.getMessage());
            } finally {
                dead.close();
            }
        }
    }

    /**
     * Stops the server a dead run left running on {@code dir}, if any (its watchdog stops it within
     * seconds, so this is for the moments before, and for machines without a watchdog). The process
     * that {@code postmaster.pid} names is signalled only when it is a server on {@code dir}: when the
     * server was killed too, the file is stale, and its process id may be another process's by now,
     * or a zombie that an init which does not reap orphans (many containers') keeps forever.
     *
     * @return the process id of a stale {@code postmaster.pid}, or 0
     */
    private long stopServerLeftOn(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return 0;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            pid = 0;   // unreadable: pg_ctl decides
        }
        if (pid > 0 && !ProcessHandle.of(pid).map(p -> servesDirectory(p, dir)).orElse(false)) {
            LOG.info("The PostgreSQL server an earlier run left on {} was killed; its stale postmaster.pid is replaced",
                    dir);
            return pid;
        }
        LOG.info("Stopping a PostgreSQL server left running on {} by an earlier run", dir);
        try {
            run(List.of(bin("pg_ctl"), "stop", "-D", dir.toString(), "-m", "immediate", "-w", "-t", "30"),
                    Duration.ofSeconds(40));
        } catch (ProviderException e) {
            LOG.debug("No server to stop on {}: {}", dir, e.getMessage());
        }
        return 0;
    }

    /** Whether {@code process} is a postmaster on {@code dir}; {@code true} when its arguments are unknown. */
    private static boolean servesDirectory(ProcessHandle process, Path dir) {
        if (!process.isAlive()) {
            return false;
        }
        Optional<String[]> arguments = process.info().arguments();
        if (arguments.isEmpty()) {
            return true;   // cannot tell: pg_ctl decides, as it would without this check
        }
        List<String> args = List.of(arguments.get());
        int d = args.indexOf("-D");
        try {
            return d >= 0 && d + 1 < args.size() && Files.isSameFile(Path.of(args.get(d + 1)), dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void startPostmaster() throws IOException {
        watched = Watchdog.available();
        if (!watched) {
            LOG.debug("No /bin/sh here: the embedded server is not stopped by a watchdog if this JVM dies without "
                    + "stopping it; the next run stops it");
        }
        ProviderException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            port = freePort();
            List<String> command = new ArrayList<>(List.of(bin("postgres"), "-D", dataDirectory.toString(), "-p",
                    Integer.toString(port)));
            serverSettings().forEach((k, v) -> {
                command.add("-c");
                command.add(k + "=" + v);
            });
            // Standard input stays a pipe from this JVM: the watchdog's way of knowing that the JVM is gone.
            ProcessBuilder builder = new ProcessBuilder(osUser.command(watched ? Watchdog.wrap(command) : command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("LC_ALL", "C");
            if (stalePostmasterPid > 0) {
                // PostgreSQL's own way (pg_ctl uses it) to disregard a process id in postmaster.pid; it still
                // checks that no process of the killed server is attached to its shared memory.
                builder.environment().put("PG_GRANDPARENT_PID", Long.toString(stalePostmasterPid));
            }
            process = builder.start();
            try {
                awaitReady();
                return;
            } catch (ProviderException e) {
                last = e;
                kill(process);
                if (!logTail().contains("could not bind")) {
                    break;
                }
            }
        }
        throw last;
    }

    private Map<String, String> serverSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", host());
        s.put("unix_socket_directories", "");
        s.put("max_connections", Integer.toString(options.maxConnections()));
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        s.put("wal_level", "minimal");
        s.put("max_wal_senders", "0");
        s.put("max_wal_size", "2GB");
        s.put("checkpoint_timeout", "30min");
        s.put("file_copy_method", "clone");
        s.put("shared_buffers", "128MB");
        s.put("log_min_messages", "warning");
        s.put("log_checkpoints", "off");
        s.put("timezone", "UTC");
        s.putAll(options.settings());
        return s;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException lastError = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ProviderException("The embedded PostgreSQL server exited during startup (code "
                        + process.exitValue() + "). Its log " + logFile + " ends with:\n" + logTail(), null);
            }
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException e) {
                lastError = e;
            }
            sleep(50);
        }
        throw new ProviderException("The embedded PostgreSQL server did not accept connections within "
                + STARTUP_TIMEOUT.toSeconds() + "s. Its log " + logFile + " ends with:\n" + logTail(), lastError);
    }

    private void inspect() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        } catch (SQLException e) {
            throw new ProviderException("Could not query the embedded PostgreSQL server: " + e.getMessage(), e);
        }
        copyOnWrite = CopyOnWriteProbe.describe(dataDirectory);
        LOG.info("Embedded PostgreSQL {} on {}:{}, data directory {} (running as OS user '{}'). {}", version, host(), port,
                dataDirectory, osUser.name(), copyOnWrite);
    }

    private String majorFromBinary() {
        String out = run(List.of(bin("postgres"), "--version"), Duration.ofSeconds(30));
        String digits = out.replaceAll("(?s).*?(\\d+)(\\.\\d+)?.*", "$1");
        return digits.trim();
    }

    private String bin(String name) {
        return installation.resolve("bin").resolve(PostgresBinaries.executable(name)).toString();
    }

    private String run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(osUser.command(command)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ProviderException(String.join(" ", command) + " did not finish within " + timeout, null);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new ProviderException(command.get(0).replaceAll(".*/", "") + " failed (exit code " + p.exitValue()
                        + "):\n" + text.trim(), null);
            }
            return text;
        } catch (IOException e) {
            throw new ProviderException("Could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while running " + command.get(0), e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
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

    /** Stops the server (fast shutdown) and deletes a temporary data directory. */
    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                try {
                    run(List.of(bin("pg_ctl"), "stop", "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "60"),
                            Duration.ofSeconds(70));
                } catch (ProviderException e) {
                    LOG.warn("Fast shutdown of the embedded PostgreSQL server failed, killing it: {}", e.getMessage());
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill(process);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
        } finally {
            if (process != null) {
                Watchdog.release(process);
            }
            deleteTemporaryDirectory();
            lock.close();
        }
    }

    /** Deletes a temporary data directory with its log, then its lock file; leaves a persistent one alone. */
    private void deleteTemporaryDirectory() {
        if (options.dataDirectory() != null) {
            return;
        }
        try {
            PostgresBinaries.deleteRecursively(dataDirectory);
            Files.deleteIfExists(logFile);
            Files.deleteIfExists(sibling(dataDirectory, ".pwfile"));
            lock.deleteLockFile();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the temporary data directory {}: {}", dataDirectory, e.getMessage());
        }
    }

    /**
     * Stops a server process that would not stop normally: its watchdog asks for a shutdown, and what
     * still runs after that is killed.
     */
    private void kill(Process process) {
        Watchdog.release(process);
        try {
            if (watched && process.waitFor(15, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL " + version + " on " + host() + ":" + port;
    }
}
