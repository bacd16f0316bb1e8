package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.BranchConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from zonky's binaries for the tests of one JVM, or of several: a new cluster (a copy
 * of the one initdb made for the binaries), or reuse of a persistent data directory, start on a free loopback port with settings tuned for tests,
 * and a fast shutdown at the end. Works when the JVM runs as root, through {@link OsUser}.
 *
 * <p>Its files go to a cache directory ({@link CacheDirectory}): the binaries, once per version, in
 * {@code binaries/}; the cluster initdb made for them, which new data directories are copies of, in {@code
 * initdb/} ({@link InitdbTemplates}); the data directory of each server configuration in {@code clusters/}, kept
 * for later runs; temporary data directories in {@code data/}. A data directory of the user's own goes where the
 * user says.
 *
 * <p>A temporary data directory belongs to one server and is deleted when it is closed; a JVM that
 * dies without closing it leaves its directory locked ({@link DataDirectoryLock}) until it is gone, so
 * the next start knows it is abandoned and deletes it. A persistent data directory is shared by the
 * JVMs that use it at once ({@link SharedDataDirectory}): the first starts its server, the others join
 * it, and the last one stops it. Either way, no server outlives the JVMs that use it: its
 * {@link Watchdog} stops it within seconds of the last one's death ({@code kill -9}).
 *
 * <pre>{@code
 * try (EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Options(null, work, Optional.empty(),
 *         100, Map.of()))) {
 *     Connection c = server.connect("postgres");
 * }
 * }</pre>
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    private final Options options;
    private final OsUser osUser;
    private final Path dataDirectory;
    private final DataDirectoryLock temporary;
    private final SharedDataDirectory shared;
    private final Postmaster postmaster;
    private final String password;
    private final String version;
    private boolean closed;

    /**
     * How to run the server, and where its files go.
     *
     * @param dataDirectory a persistent data directory of the user's, or {@code null} for one the library
     *     chooses: a temporary one or the cache's, as {@code temporary} says
     * @param cacheDirectory where binaries and data directories go, or {@code null} for the user's cache
     *     ({@link CacheDirectory})
     * @param osUser the OS user to run as when the JVM runs as root, or empty for the default
     * @param maxConnections {@code max_connections}
     * @param settings further server settings
     * @param binariesDirectory where the binaries are unpacked, or {@code null} for {@code <cache>/binaries}
     * @param temporary without a {@code dataDirectory}: a temporary data directory ({@code <cache>/data/pg-*},
     *     deleted when the server is closed) instead of the cache's persistent one ({@code <cache>/clusters/*})
     * @param cacheLimits how much of the cache is kept
     * @param linger how long the server of a persistent data directory stays up after the last JVM that uses it
     *     has gone, so that a JVM that starts meanwhile joins it ({@code lakebase.embedded.linger}); zero: the last
     *     JVM stops it as it leaves
     */
    public record Options(
            Path dataDirectory,
            Path cacheDirectory,
            Optional<String> osUser,
            int maxConnections,
            Map<String, String> settings,
            Path binariesDirectory,
            boolean temporary,
            CacheLimits cacheLimits,
            Duration linger) {

        /**
         * A server whose binaries, and temporary data directory unless it is given one, go to {@code
         * workDirectory}.
         *
         * @param dataDirectory a persistent data directory, or {@code null} for a temporary one
         * @param workDirectory where binaries and temporary data directories go
         * @param osUser the OS user to run as when the JVM runs as root, or empty for the default
         * @param maxConnections {@code max_connections}
         * @param settings further server settings
         */
        public Options(
                Path dataDirectory,
                Path workDirectory,
                Optional<String> osUser,
                int maxConnections,
                Map<String, String> settings) {
            this(
                    dataDirectory,
                    workDirectory,
                    osUser,
                    maxConnections,
                    settings,
                    null,
                    true,
                    CacheLimits.DEFAULT,
                    Duration.ZERO);
        }
    }

    EmbeddedServer(
            Options options,
            PgTools tools,
            Path dataDirectory,
            DataDirectoryLock temporary,
            SharedDataDirectory shared,
            Postmaster postmaster,
            String password) {
        this.options = options;
        this.osUser = tools.osUser();
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.shared = shared;
        this.postmaster = postmaster;
        this.password = password;
        this.version = tools.version();
        CopyOnWriteProbe.reportInBackground(dataDirectory); // off the start's path
        LOG.info(
                "Embedded PostgreSQL {} on {}:{}, data directory {}, binaries {} (running as OS user '{}')",
                version,
                host(),
                port(),
                dataDirectory,
                tools.installation(),
                osUser.name());
    }

    /**
     * Starts a server, or joins the one another JVM runs on the persistent data directory; returns when
     * it accepts connections.
     *
     * @param options how to run it
     * @return the running server
     */
    public static EmbeddedServer start(Options options) {
        return start(options, () -> {});
    }

    /**
     * Starts a server, or joins one, as {@link #start(Options)} does; calls {@code startsEmpty} before the server
     * starts on a new cluster (a temporary data directory, or a persistent one that holds none yet), which holds no
     * base or spare that an earlier run kept: the first test builds its base, and its migration tool may load while
     * the cluster is made. Not called where the server is joined or the cluster reused.
     *
     * @param options how to run it
     * @param startsEmpty called at most once, on the calling thread, before the new cluster is made
     * @return the running server
     */
    public static EmbeddedServer start(Options options, Runnable startsEmpty) {
        return ServerLaunch.start(options, startsEmpty);
    }

    /** The file {@code <directory><suffix>} beside {@code directory}: its log, lock, pipe or password file. */
    static Path sibling(Path directory, String suffix) {
        return directory.resolveSibling(directory.getFileName() + suffix);
    }

    public String host() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    public int port() {
        return postmaster.port();
    }

    public String username() {
        return Cluster.SUPERUSER;
    }

    public String password() {
        return password;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * The directory {@code name} in the data directory, for files the library writes and the server reads (with
     * {@code COPY}); made, {@code rwx------} and the server's OS user's, when missing. Only a real directory there is
     * trusted, not a link, and it is handed to the user without following links: a JVM running as root never changes
     * what a link in that user's directory points to.
     *
     * @param name the directory's name, for example {@code lakebase-junit-rows}
     * @throws IOException when it cannot be made, or something else stands at its place
     */
    public synchronized Path serverDirectory(String name) throws IOException {
        Path dir = dataDirectory.resolve(name);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) { // made meanwhile by another JVM, or something else
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                return dir;
            }
            osUser.own(dir);
        }
        return dir;
    }

    /** Whether the data directory outlives this server: it is the user's, or the cache's. */
    public boolean persistent() {
        return temporary == null;
    }

    /** A sentence saying whether database clones on the data directory are copy-on-write; waits for the probe. */
    public String copyOnWriteReport() {
        return CopyOnWriteProbe.report(dataDirectory);
    }

    /** Whether the server process still runs. */
    public boolean running() {
        return postmaster.running();
    }

    public String jdbcUrl(String database) {
        return jdbcUrl(port(), database);
    }

    private static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port + "/" + database;
    }

    /** Opens a superuser connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return superuser(port(), password, database).open();
    }

    /** How the superuser logs in to {@code database} on the server on {@code port}. */
    static BranchConnection superuser(int port, String password, String database) {
        return BranchConnection.of(jdbcUrl(port, database), Cluster.SUPERUSER, password);
    }

    /**
     * Stops the server (fast shutdown) and deletes a temporary data directory; leaves a shared server to
     * the other JVMs that still use it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (shared != null) {
            shared.release();
            return;
        }
        try {
            postmaster.stop();
        } finally {
            try {
                TemporaryDataDirectories.delete(temporary);
            } catch (IOException e) {
                LOG.warn("Could not delete the temporary data directory {}: {}", dataDirectory, e.getMessage());
            } finally {
                temporary.close();
            }
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL " + version + " on " + host() + ":" + port();
    }
}
