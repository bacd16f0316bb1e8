package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer.Options;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@link EmbeddedServer} comes up: on a temporary data directory of its own, or on a persistent one, where it
 * joins the server other JVMs run or starts one; a new cluster first where the directory holds none.
 *
 * <pre>{@code
 * EmbeddedServer server = ServerLaunch.start(options, () -> {}); // what to do before a new cluster is made
 * }</pre>
 */
final class ServerLaunch {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    private ServerLaunch() {}

    /** As {@link EmbeddedServer#start(Options, Runnable)}. */
    static EmbeddedServer start(Options options, Runnable startsEmpty) {
        OsUser osUser = OsUser.resolve(options.osUser());
        Locations locations = Locations.resolve(options, osUser);
        PgTools tools = new PgTools(PostgresBinaries.install(locations.binaries()), osUser);
        osUser.checkCanReach(
                tools.installation().resolve("bin"), "The PostgreSQL binaries in", Keys.BINARIES_DIRECTORY);
        Path cluster =
                options.dataDirectory() == null && !options.temporary() ? locations.cluster(tools, options) : null;
        boolean outgrown = CacheCollector.collect(locations, tools, cluster, options.cacheLimits());
        Path dir = null;
        String key = Keys.CACHE_DIRECTORY;
        try {
            if (options.dataDirectory() != null) {
                dir = options.dataDirectory().toAbsolutePath();
                key = Keys.DATA_DIRECTORY;
                dir = Directories.canonical(dir); // one lock, pipe and server for every spelling of it
                return persistent(options, tools, locations, dir, key, false, startsEmpty);
            }
            if (options.temporary()) {
                dir = locations.temporaryDataDirectories(osUser);
                return temporary(options, tools, locations, dir, startsEmpty);
            }
            dir = Directories.canonical(cluster);
            return persistent(options, tools, locations, dir, key, outgrown, startsEmpty);
        } catch (IOException e) {
            throw new ProviderException(
                    "Could not start the embedded PostgreSQL server on " + dir + ": " + e + ". Set " + key
                            + " to a directory this JVM can write to"
                            + (osUser.switchesUser() ? " and the OS user '" + osUser.name() + "' can reach." : "."),
                    e);
        }
    }

    private static EmbeddedServer temporary(
            Options options, PgTools tools, Locations locations, Path parent, Runnable startsEmpty) throws IOException {
        DataDirectoryLock lock = TemporaryDataDirectories.create(tools, parent);
        Path dir = lock.directory();
        try {
            String password = Cluster.prepare(tools, dir, locations.initdbTemplates(), startsEmpty);
            Postmaster postmaster = Postmaster.start(
                    tools,
                    dir,
                    EmbeddedServer.sibling(dir, ".log"),
                    ServerSettings.of(options),
                    Duration.ZERO,
                    0,
                    port -> LoginWarmUp.start(EmbeddedServer.superuser(port, password, "postgres")));
            return new EmbeddedServer(options, tools, dir, lock, null, postmaster, password);
        } catch (IOException | RuntimeException | Error e) {
            try {
                TemporaryDataDirectories.delete(lock);
            } finally {
                lock.close();
            }
            throw e;
        }
    }

    /**
     * A server on the persistent data directory {@code dir}: joined, or started.
     *
     * @param outgrown whether {@code dir}, the cache's, alone is larger than the cache may be: it is then
     *     created anew, unless a JVM uses it
     * @param startsEmpty called before a new cluster is made in {@code dir}
     */
    private static EmbeddedServer persistent(
            Options options,
            PgTools tools,
            Locations locations,
            Path dir,
            String key,
            boolean outgrown,
            Runnable startsEmpty)
            throws IOException {
        Locations.create(dir.getParent(), key);
        tools.osUser().checkCanReach(dir, "The data directory", key);
        SharedDataDirectory shared = SharedDataDirectory.open(
                dir, othersUseIt -> launch(options, tools, locations, dir, othersUseIt, outgrown, startsEmpty));
        try {
            ServerSettings.warnIfOther(dir, ServerSettings.of(options)); // a server this run shares keeps its own
            return new EmbeddedServer(
                    options,
                    tools,
                    dir,
                    null,
                    shared,
                    shared.postmaster(),
                    Cluster.password(dir).orElseThrow());
        } catch (IOException | RuntimeException | Error e) {
            shared.release();
            throw e;
        }
    }

    /** Joins the server that other JVMs use on {@code dir}, or starts one; with the directory's admission held. */
    private static Postmaster launch(
            Options options,
            PgTools tools,
            Locations locations,
            Path dir,
            boolean othersUseIt,
            boolean outgrown,
            Runnable startsEmpty)
            throws IOException {
        if (outgrown && !othersUseIt && Files.isDirectory(dir) && !PidFiles.runsOn(dir)) {
            LOG.warn(
                    "The data directory {} alone holds more than the cache may ({}, {}): it is created anew, and the "
                            + "bases, parents and kept branches in it are gone. Raise {}, or set {} to a directory "
                            + "of your own, to keep them.",
                    dir,
                    ByteSizes.describe(options.cacheLimits().maxBytes()),
                    Keys.CACHE_MAX_SIZE,
                    Keys.CACHE_MAX_SIZE,
                    Keys.DATA_DIRECTORY);
            Directories.deleteTree(dir);
        }
        String password = Cluster.prepare(tools, dir, locations.initdbTemplates(), startsEmpty);
        Optional<Postmaster> running = Postmaster.join(tools, dir, options.linger());
        if (running.isPresent() && (othersUseIt || running.get().heldUp())) {
            LOG.info(
                    "Joining the embedded PostgreSQL server that {} on {}; the settings it was started with apply",
                    othersUseIt ? "another test JVM runs" : "an earlier run left running",
                    dir);
            running.get().announce();
            return running.get();
        }
        if (running.isPresent()) {
            // Nobody uses it: its last JVM was killed just now, and its watchdog is stopping it (or it has none).
            running.get().release();
            running.get().awaitStopped(Duration.ofSeconds(running.get().watched() ? 15 : 0));
        } else {
            PidFiles.awaitNoneOn(dir, Duration.ofSeconds(15)); // one shutting down, which then does not accept joins
        }
        long stalePid = PidFiles.stopServerLeftOn(tools, dir);
        return Postmaster.start(
                tools,
                dir,
                EmbeddedServer.sibling(dir, ".log"),
                ServerSettings.of(options),
                options.linger(),
                stalePid,
                port -> LoginWarmUp.start(EmbeddedServer.superuser(port, password, "postgres")));
    }
}
