package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cache within its {@link CacheLimits}, at a start, at most once an hour (the time of
 * {@code <cache>/.last-collection} says when it last did): deletes the temporary data directories of
 * JVMs that are gone; then the binaries versions, the cache's data directories and the initdb templates
 * ({@link InitdbTemplates}) that no JVM has used for the maximum age; then, while the cache is larger than its
 * maximum size, those that no JVM uses, least recently used first. The version and data directory the starting
 * server uses are never deleted; the caller is told when that data directory alone is larger than the cache may be.
 *
 * <p>Only what the library made, as its name says ({@code binaries/postgres-<version>-...},
 * {@code clusters/pg<major>-<hash>}, {@code initdb/pg<major>-<hash>}), is ever deleted, and binaries and data
 * directories only while no JVM holds them ({@link PostgresBinaries#deleteIfUnused}, {@link
 * SharedDataDirectory#deleteIfUnused}); a JVM copying an initdb template that is deleted meanwhile runs initdb
 * instead. When a JVM last used one is the time of its lock file, which each JVM that uses it touches, or for a
 * template its own time.
 *
 * <pre>{@code
 * boolean outgrown = CacheCollector.collect(locations, tools, cluster, limits);
 * }</pre>
 */
final class CacheCollector {

    static final String MARKER = ".last-collection";
    static final Duration INTERVAL = Duration.ofHours(1);

    /** The caches (real paths) that a thread of this JVM collects now. */
    private static final Set<Path> COLLECTING = ConcurrentHashMap.newKeySet();

    private static final Logger LOG = LoggerFactory.getLogger(CacheCollector.class);
    private static final Pattern CLUSTER = Pattern.compile("pg\\d+-[0-9a-f]{8}");
    private static final Pattern LEFTOVER = Pattern.compile("(" + PostgresBinaries.VERSION.pattern() + "\\.partial-|"
            + CLUSTER.pattern() + "\\.(partial|deleting)-)\\d+");
    /** A file beside such a directory, named after it: initdb's password file, the server's log, a lock. */
    private static final Pattern LEFTOVER_SIBLING = Pattern.compile(LEFTOVER.pattern() + "\\.[a-z]+");

    private CacheCollector() {}

    /** What an entry of the cache is. */
    private enum Kind {
        BINARIES("the binaries "),
        DATA_DIRECTORY("the data directory "),
        INITDB_TEMPLATE("the initdb template ");

        private final String article;

        Kind(String article) {
            this.article = article;
        }
    }

    /** A binaries version, a data directory or an initdb template of the cache, with the time a JVM last used it. */
    private record Entry(Path directory, Kind kind, FileTime lastUsed) {

        String describe() {
            return kind.article + directory + " (last used "
                    + lastUsed.toInstant().truncatedTo(ChronoUnit.SECONDS) + ")";
        }
    }

    /**
     * Collects the cache unless it was collected less than an hour ago, or another JVM, or another thread of this
     * one, is collecting it. Never waits for a collection under way: a start goes on while another deletes.
     *
     * @param locations the cache, and the binaries directory
     * @param tools the binaries in use, to stop a server a dead JVM left behind
     * @param cluster the cache's data directory that the starting server uses, or {@code null}
     * @param limits how much to keep
     * @return whether {@code cluster} alone is larger than the cache may be
     */
    static boolean collect(Locations locations, PgTools tools, Path cluster, CacheLimits limits) {
        Path cache = locations.cache();
        Path key;
        try {
            key = cache.toRealPath();
        } catch (IOException e) {
            LOG.debug("Could not collect the cache {}: {}", cache, e.toString());
            return false;
        }
        // One thread of this JVM at a time opens a cache's lock file: closing a second channel on it would release
        // the first one's lock.
        if (!COLLECTING.add(key)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(
                        key.resolve(".collection.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock collecting = channel.tryLock()) {
            Path marker = key.resolve(MARKER);
            if (collecting == null || collectedRecently(marker)) {
                return false; // another JVM collects, or one did just now
            }
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            Files.setLastModifiedTime(marker, FileTime.from(Instant.now()));
            return collect(cache, locations.binaries(), tools, cluster, limits);
        } catch (IOException | UncheckedIOException | OverlappingFileLockException e) {
            LOG.debug("Could not collect the cache {}: {}", cache, e.toString());
            return false;
        } finally {
            COLLECTING.remove(key);
        }
    }

    private static boolean collectedRecently(Path marker) throws IOException {
        return Files.exists(marker)
                && Files.getLastModifiedTime(marker)
                        .toInstant()
                        .isAfter(Instant.now().minus(INTERVAL));
    }

    private static boolean collect(Path cache, Path binaries, PgTools tools, Path cluster, CacheLimits limits)
            throws IOException {
        Path temporary = cache.resolve("data");
        if (Files.isDirectory(temporary)) {
            TemporaryDataDirectories.sweep(tools, temporary);
        }
        deleteLeftovers(cache, binaries);
        List<Entry> entries = entries(cache, binaries, tools.installation(), cluster);
        Instant staleBefore = Instant.now().minus(limits.maxAge());
        List<Entry> kept = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.lastUsed().toInstant().isBefore(staleBefore) && delete(entry)) {
                LOG.info(
                        "Deleted {} from the cache: no JVM used it for {} days ({})",
                        entry.describe(),
                        limits.maxAge().toDays(),
                        Keys.CACHE_MAX_AGE);
            } else {
                kept.add(entry);
            }
        }
        long clusterSize = cluster != null && Files.isDirectory(cluster) ? size(cluster) : 0;
        long total = size(tools.installation()) + clusterSize;
        for (Entry entry : kept) {
            total += size(entry.directory());
        }
        kept.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry entry : kept) {
            if (total <= limits.maxBytes()) {
                break;
            }
            long size = size(entry.directory());
            if (delete(entry)) {
                total -= size;
                LOG.info(
                        "Deleted {} from the cache, {}: the cache held more than {} ({})",
                        entry.describe(),
                        ByteSizes.describe(size),
                        ByteSizes.describe(limits.maxBytes()),
                        Keys.CACHE_MAX_SIZE);
            }
        }
        return clusterSize > limits.maxBytes();
    }

    /** The binaries versions, data directories and initdb templates of the cache, less those the starting server uses. */
    private static List<Entry> entries(Path cache, Path binaries, Path installation, Path cluster) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Set<Path> binariesDirectories = new LinkedHashSet<>();
        for (Path dir : List.of(cache.resolve("binaries"), binaries)) {
            if (Files.isDirectory(dir)) {
                binariesDirectories.add(dir.toRealPath());
            }
        }
        Path inUse = installation.toRealPath();
        for (Path dir : binariesDirectories) {
            for (Path version : children(dir, PostgresBinaries.VERSION)) {
                if (!version.equals(inUse)) {
                    entries.add(new Entry(version, Kind.BINARIES, lastUsed(version)));
                }
            }
        }
        Path clusters = cache.resolve("clusters");
        if (Files.isDirectory(clusters)) {
            for (Path dir : children(clusters, CLUSTER)) {
                if (cluster == null || !dir.equals(cluster.toAbsolutePath().normalize())) {
                    entries.add(new Entry(dir, Kind.DATA_DIRECTORY, lastUsed(dir)));
                }
            }
        }
        Path templates = cache.resolve(InitdbTemplates.DIRECTORY);
        if (Files.isDirectory(templates)) {
            for (Path dir : children(templates, CLUSTER)) {
                entries.add(new Entry(dir, Kind.INITDB_TEMPLATE, lastUsed(dir)));
            }
        }
        return entries;
    }

    /**
     * Deletes what JVMs that died left half-made or half-deleted: binaries being unpacked and initdb templates
     * being made ({@code *.partial-*}), and directories being deleted ({@code *.deleting-*}), with the files named
     * after them beside them ({@code *.partial-*.pwfile}, the password file of an initdb that was killed), each once
     * older than an hour.
     */
    private static void deleteLeftovers(Path cache, Path binaries) throws IOException {
        Instant before = Instant.now().minus(INTERVAL);
        for (Path dir : List.of(
                cache.resolve("binaries"),
                binaries,
                cache.resolve("clusters"),
                cache.resolve(InitdbTemplates.DIRECTORY))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> leftovers = new ArrayList<>(entries(dir, LEFTOVER, Files::isDirectory));
            leftovers.addAll(entries(dir, LEFTOVER_SIBLING, Files::isRegularFile));
            for (Path leftover : leftovers) {
                if (Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS)
                        .toInstant()
                        .isBefore(before)) {
                    try {
                        PostgresBinaries.deleteRecursively(leftover);
                    } catch (IOException | UncheckedIOException e) {
                        LOG.debug("Could not delete {}: {}", leftover, e.toString());
                    }
                }
            }
        }
    }

    private static List<Path> children(Path dir, Pattern names) throws IOException {
        return entries(dir, names, Files::isDirectory);
    }

    /** The entries of {@code dir} named after {@code names} that are of {@code kind}, symbolic links not followed. */
    private static List<Path> entries(Path dir, Pattern names, BiPredicate<Path, LinkOption[]> kind)
            throws IOException {
        try (var listing = Files.list(dir)) {
            return listing.filter(p -> names.matcher(p.getFileName().toString()).matches())
                    .filter(p -> kind.test(p, new LinkOption[] {LinkOption.NOFOLLOW_LINKS}))
                    .map(p -> p.toAbsolutePath().normalize())
                    .toList();
        }
    }

    /**
     * Marks the version or data directory of {@code lockFile}, or the initdb template {@code lockFile} is, as used
     * now; where this JVM may not (a file of another user's), the collection may take it for unused sooner.
     */
    static void markUsed(Path lockFile) {
        try {
            Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("Could not mark {} as used: {}", lockFile, e.toString());
        }
    }

    /** When a JVM last used {@code dir}: the time of its lock file, else of the directory. */
    private static FileTime lastUsed(Path dir) throws IOException {
        Path lockFile = EmbeddedServer.sibling(dir, DataDirectoryLock.LOCK_SUFFIX);
        return Files.getLastModifiedTime(Files.exists(lockFile) ? lockFile : dir);
    }

    private static boolean delete(Entry entry) {
        try {
            return switch (entry.kind()) {
                case BINARIES ->
                    PostgresBinaries.deleteIfUnused(
                            entry.directory().getParent(),
                            entry.directory().getFileName().toString());
                case DATA_DIRECTORY -> SharedDataDirectory.deleteIfUnused(entry.directory());
                case INITDB_TEMPLATE -> { // a JVM that copies it meanwhile runs initdb instead
                    Directories.deleteTree(entry.directory());
                    yield true;
                }
            };
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete {}: {}", entry.directory(), e.toString());
            return false;
        }
    }

    /** The bytes of the files under {@code dir}; what cannot be read counts as nothing. */
    static long size(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // counted what it could
        }
        return total[0];
    }
}
