package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from zonky's binaries for the tests of one JVM: initdb (or reuse of a
 * persistent data directory), start on a free loopback port with settings tuned for tests, and a
 * fast shutdown at the end. Works when the JVM runs as root, through {@link OsUser}.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD_FILE = "lakebase-junit.password";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final String TEMPORARY_PREFIX = "pg-";
    /** A temporary data directory younger than this may belong to a JVM that is still starting. */
    private static final Duration SWEEP_MIN_AGE = Duration.ofMinutes(2);

    private final Options options;
    private final OsUser osUser;
    private final Path installation;
    private final Path dataDirectory;
    private final Path logFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String password;
    private Process process;
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
        boolean temporary = options.dataDirectory() == null;
        if (temporary) {
            sweepTemporaryDirectories(Files.createDirectories(work.resolve("data")));
        }
        this.dataDirectory = temporary
                ? Files.createTempDirectory(work.resolve("data"), TEMPORARY_PREFIX)
                : options.dataDirectory().toAbsolutePath();
        osUser.checkCanReach(dataDirectory, "The data directory");
        osUser.checkCanReach(installation.resolve("bin"), "The PostgreSQL binaries in");
        Files.createDirectories(dataDirectory);
        this.logFile = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
        this.lockChannel = FileChannel.open(dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            lockChannel.close();
            throw ProviderException.configuration("The data directory " + dataDirectory + " is in use by another test JVM. "
                    + "Give each concurrent build its own lakebase.embedded.data-directory.");
        }
        this.lock = acquired;
        this.password = prepareDataDirectory();
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
            stopLeftoverServer();
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
        Path pwfile = Files.createTempFile(dataDirectory.getParent(), "pwfile-", ".tmp");
        try {
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
     * Deletes the temporary data directories of JVMs that died without cleaning up (killed, or
     * crashed): those whose lock is free. A server such a JVM left running is stopped first.
     */
    private void sweepTemporaryDirectories(Path parent) {
        try (var entries = Files.list(parent)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                String name = dir.getFileName().toString();
                if (!name.startsWith(TEMPORARY_PREFIX) || !Files.isDirectory(dir)
                        || Files.getLastModifiedTime(dir).toInstant()
                                .isAfter(java.time.Instant.now().minus(SWEEP_MIN_AGE))) {
                    continue;
                }
                Path lockFile = dir.resolveSibling(name + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock free = channel.tryLock()) {
                    if (free == null) {
                        continue;
                    }
                    if (Files.exists(dir.resolve("postmaster.pid"))) {
                        try {
                            run(List.of(bin("pg_ctl"), "stop", "-D", dir.toString(), "-m", "immediate", "-w", "-t", "30"),
                                    Duration.ofSeconds(40));
                        } catch (ProviderException e) {
                            LOG.debug("No server left on {}: {}", dir, e.getMessage());
                        }
                    }
                    PostgresBinaries.deleteRecursively(dir);
                    Files.deleteIfExists(dir.resolveSibling(name + ".log"));
                    LOG.info("Deleted the temporary data directory {} of a test JVM that is gone", dir);
                } catch (OverlappingFileLockException e) {
                    // held by this JVM
                } finally {
                    if (!Files.exists(dir)) {
                        Files.deleteIfExists(lockFile);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not sweep {}: {}", parent, e.getMessage());
        }
    }

    /** A server of a killed run may still hold the data directory: stop it before starting ours. */
    private void stopLeftoverServer() {
        if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            LOG.info("Stopping a PostgreSQL server left running on {} by an earlier run", dataDirectory);
            try {
                run(List.of(bin("pg_ctl"), "stop", "-D", dataDirectory.toString(), "-m", "immediate", "-w", "-t", "30"),
                        Duration.ofSeconds(40));
            } catch (ProviderException e) {
                LOG.debug("No server to stop on {}: {}", dataDirectory, e.getMessage());
            }
        }
    }

    private void startPostmaster() throws IOException {
        ProviderException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            port = freePort();
            List<String> command = new ArrayList<>(List.of(bin("postgres"), "-D", dataDirectory.toString(), "-p",
                    Integer.toString(port)));
            serverSettings().forEach((k, v) -> {
                command.add("-c");
                command.add(k + "=" + v);
            });
            ProcessBuilder builder = new ProcessBuilder(osUser.command(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("LC_ALL", "C");
            process = builder.start();
            try {
                awaitReady();
                return;
            } catch (ProviderException e) {
                last = e;
                process.destroyForcibly();
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
                    process.destroyForcibly();
                }
            }
            if (options.dataDirectory() == null) {
                PostgresBinaries.deleteRecursively(dataDirectory);
                Files.deleteIfExists(logFile);
                Files.deleteIfExists(dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock"));
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary data directory {}: {}", dataDirectory, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.debug("Could not release the data directory lock", e);
            }
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL " + version + " on " + host() + ":" + port;
    }
}
