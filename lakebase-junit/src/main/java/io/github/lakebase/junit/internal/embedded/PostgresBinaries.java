package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries of a {@link BinariesArchive}, unpacked once per version into a binaries
 * directory ({@code <binaries>/postgres-<version>-<os>-<arch>-<checksum>}), so that concurrent JVMs and
 * later runs share one copy without reading the archive again.
 *
 * <p>Every JVM that uses a version holds a shared lock on byte 1 of the file {@code <version>.lock}
 * beside it until it exits, and marks the file's time as the version's last use; one that unpacks it
 * holds byte 0 for itself meanwhile. So a version is deleted ({@link CacheCollector}) only while no JVM
 * uses it, and a JVM never uses one that is being deleted. The lock files stay: a JVM may have opened one
 * to wait for its lock.
 *
 * <pre>{@code
 * Path installation = PostgresBinaries.install(cache.resolve("binaries")); // bin/, lib/, share/
 * }</pre>
 */
final class PostgresBinaries {

    static final String LOCK_SUFFIX = ".lock";
    static final String COMPLETE = ".complete";
    /** The names of unpacked versions, as {@link BinariesArchive} makes them: nothing else is ever deleted. */
    static final Pattern VERSION = Pattern.compile("postgres-(\\d+(\\.\\d+)+-)?[a-z]+-[a-z0-9_]+-[0-9a-f]{8}");

    /** The lock files of the versions this JVM uses, held until it exits: one channel per file, never closed. */
    private static final Map<Path, FileChannel> IN_USE = new HashMap<>();

    /** How often a lock this JVM holds already is asked for again, 100 ms apart, before it is taken as held. */
    private static final int OVERLAP_ATTEMPTS = 10;

    private PostgresBinaries() {}

    /**
     * Finds the archive for this platform on the class path and unpacks it into {@code binaries} unless
     * already there.
     *
     * @param binaries the binaries directory, which exists
     * @return the installation directory, with {@code bin/}, {@code lib/} and {@code share/}
     */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    static Path install(Path binaries) {
        BinariesArchive archive = BinariesArchive.find();
        Path target = binaries.resolve(archive.name());
        try {
            Path real = binaries.toRealPath(); // one spelling of each lock file, for IN_USE
            target = real.resolve(archive.name());
            FileChannel lock;
            synchronized (IN_USE) {
                lock = use(real.resolve(archive.name() + LOCK_SUFFIX));
                if (Files.isRegularFile(target.resolve(COMPLETE))) {
                    return target;
                }
            }
            // Unpacked with this version's channel held, not every version's: it takes seconds, or waits for
            // another JVM that unpacks it, and meanwhile a start with other binaries goes on. The version is in
            // IN_USE already, so no collector deletes it.
            synchronized (lock) {
                try (FileLock ignored = awaitUnpacking(lock)) {
                    if (!Files.isRegularFile(target.resolve(COMPLETE))) {
                        unpackInto(archive, real, target);
                    }
                }
            }
            return target;
        } catch (InterruptedIOException e) {
            throw new ProviderException("Interrupted while installing the PostgreSQL binaries into " + target, e);
        } catch (IOException e) {
            throw ProviderException.configuration("Could not unpack the PostgreSQL binaries " + archive.url()
                    + " into " + target + ": " + e + ". Set " + Keys.BINARIES_DIRECTORY
                    + " to a directory this JVM can write to, on a filesystem that allows running programs.");
        }
    }

    /**
     * Byte 0 of a version's lock file, which the JVM that unpacks the version holds: taken once no other JVM holds
     * it. Asked for again every 50 ms rather than waited for in {@link FileChannel#lock}: an interrupt there would
     * close the channel, which this JVM keeps for the version, and with it the lock that says it uses the version.
     */
    private static FileLock awaitUnpacking(FileChannel channel) throws IOException {
        while (true) {
            FileLock lock = channel.tryLock(0, 1, false);
            if (lock != null) {
                return lock;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while another JVM unpacked the PostgreSQL binaries");
            }
        }
    }

    /**
     * Holds the version of {@code lockFile} for this JVM, and marks it used now: waits while a collector
     * deletes it.
     */
    private static FileChannel use(Path lockFile) throws IOException {
        FileChannel channel = IN_USE.get(lockFile);
        if (channel == null) {
            // Readable too: a shared lock needs it.
            channel = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                holdShared(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            IN_USE.put(lockFile, channel);
        }
        CacheCollector.markUsed(lockFile);
        return channel;
    }

    /**
     * Takes the shared lock that says a JVM uses a version, for as long as this JVM lives. Another copy of the
     * library in this JVM, loaded by another class loader (the Maven plugin runs each module's goals with that
     * module's class path), may hold it already: Java then refuses a second lock on the same bytes ({@link
     * OverlappingFileLockException}), and that copy's lock, which it too holds until the JVM exits, says it for both.
     * A collector of another copy deleting the version holds the bytes for a moment only: this waits for it first.
     */
    private static void holdShared(FileChannel channel) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                channel.lock(1, 1, true);
                return;
            } catch (OverlappingFileLockException e) {
                if (attempt == OVERLAP_ATTEMPTS) {
                    return; // held by another copy of the library in this JVM
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while waiting for " + channel);
                }
            }
        }
    }

    /**
     * Deletes the unpacked version {@code directory} of {@code binaries} unless a JVM uses it (this one
     * included), keeping its lock file.
     *
     * @return whether it was deleted
     */
    static boolean deleteIfUnused(Path binaries, String version) throws IOException {
        Path real = binaries.toRealPath();
        Path lockFile = real.resolve(version + LOCK_SUFFIX);
        synchronized (IN_USE) {
            if (IN_USE.containsKey(lockFile)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(
                            lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock alone = channel.tryLock(0, 2, false)) {
                if (alone == null) {
                    return false;
                }
                Path directory = real.resolve(version);
                Files.deleteIfExists(directory.resolve(COMPLETE)); // first: a half-deleted version is never used
                deleteRecursively(directory);
                return true;
            }
        }
    }

    private static void unpackInto(BinariesArchive archive, Path binaries, Path target) throws IOException {
        Path staging = Files.createTempDirectory(binaries, target.getFileName() + ".partial-");
        try {
            Directories.makeTraversable(staging);
            unpack(archive.url(), staging);
            Files.createFile(staging.resolve(COMPLETE));
            deleteRecursively(target); // what a collector or a crash left half-deleted
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } finally {
            deleteRecursively(staging);
        }
    }

    static String executable(String name) {
        return BinariesArchive.isWindows() ? name + ".exe" : name;
    }

    private static void unpack(URL archive, Path target) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive.openStream())))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("Archive entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Directories.create(path);
                } else if (entry.isSymbolicLink()) {
                    Directories.create(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Directories.create(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    if (!BinariesArchive.isWindows()) {
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(
                                path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Collections.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
