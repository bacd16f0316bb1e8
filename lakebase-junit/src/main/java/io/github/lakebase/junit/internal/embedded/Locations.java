package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.Digests;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Where an embedded server's files go: its cache directory ({@link CacheDirectory}), with the binaries in
 * {@code binaries/} (or {@code lakebase.embedded.binaries-directory}), temporary data directories in
 * {@code data/}, the persistent data directory of each server configuration in {@code clusters/}, and the
 * clusters that new data directories are copied from in {@code initdb/}.
 * Each directory the server uses is created with the permissions the server's OS user needs, and checked to be
 * within its reach; a message about one names it and the key that moves it. {@code initdb/}, which initdb writes
 * templates into and the JVM copies them from, is created when a template is first made; a start that cannot make
 * or copy one there runs initdb in its data directory instead.
 *
 * <pre>{@code
 * Locations locations = Locations.resolve(options, osUser);
 * Path installation = PostgresBinaries.install(locations.binaries());
 * }</pre>
 *
 * @param cache the cache directory
 * @param binaries where the binaries are unpacked, one directory per version
 */
record Locations(Path cache, Path binaries) {

    /** The locations for {@code options}, created. */
    static Locations resolve(EmbeddedServer.Options options, OsUser osUser) {
        Path cache = CacheDirectory.resolve(options.cacheDirectory(), osUser);
        String key = options.binariesDirectory() != null ? Keys.BINARIES_DIRECTORY : Keys.CACHE_DIRECTORY;
        Path binaries = create(
                options.binariesDirectory() != null ? options.binariesDirectory() : cache.resolve("binaries"), key);
        osUser.checkCanEnter(binaries, "The binaries directory", key);
        return new Locations(cache, binaries);
    }

    /** Where temporary data directories go, created. */
    Path temporaryDataDirectories(OsUser osUser) {
        Path parent = create(cache.resolve("data"), Keys.CACHE_DIRECTORY);
        osUser.checkCanEnter(parent, "The directory of temporary data directories", Keys.CACHE_DIRECTORY);
        return parent;
    }

    /**
     * The cache's persistent data directory for this server: one per major version, OS user and server
     * settings, so that JVMs with the same configuration share it (and its server), and others do not.
     */
    Path cluster(PgTools tools, EmbeddedServer.Options options) {
        String configuration =
                tools.osUser().name() + "\n" + options.maxConnections() + "\n" + new TreeMap<>(options.settings());
        String id = Digests.sha256Hex(configuration, 4);
        return clusters().resolve("pg" + tools.majorVersion() + "-" + id);
    }

    /** Where the clusters that initdb made, which new data directories are copies of, go ({@link InitdbTemplates}). */
    Path initdbTemplates() {
        return cache.resolve(InitdbTemplates.DIRECTORY);
    }

    /** Where the cache's persistent data directories go. */
    Path clusters() {
        return cache.resolve("clusters");
    }

    /** Creates {@code dir} and its parents, or fails naming it and the {@code key} that moves it. */
    static Path create(Path dir, String key) {
        try {
            return Directories.create(dir);
        } catch (IOException e) {
            throw ProviderException.configuration("Could not create the directory " + dir + " (" + e + "). Set " + key
                    + " to a directory this JVM can write to.");
        }
    }
}
