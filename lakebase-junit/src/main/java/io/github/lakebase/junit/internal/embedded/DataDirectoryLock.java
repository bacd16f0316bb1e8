package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proof that a data directory belongs to a live JVM: an exclusive lock on the file
 * {@code <directory>.lock} beside it, held for as long as the server runs and released by the
 * operating system when the JVM dies, however it dies.
 *
 * <p>A temporary data directory is created only once its lock is held: the lock file is created
 * first, under a new random name, and locked, and the directory named after it comes next. So a
 * directory whose lock file exists and is free belongs to a JVM that is gone, whatever its age, and a
 * sweep may delete it at once. A sweep deletes a lock file only while it holds that lock, and a JVM
 * taking a new lock checks, once it holds it, that its file still exists; so neither can take the
 * other's directory.
 *
 * <p>POSIX record locks belong to the process: closing any channel on a file releases every lock the
 * JVM holds on it. So this JVM never opens a second channel on a lock file it has open: each one is
 * registered in {@link #OPEN} before it is opened, and skipped by the JVM's own sweeps.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String TEMPORARY_PREFIX = "pg-";
    static final String LOCK_SUFFIX = ".lock";
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DataDirectoryLock(Path directory, Path lockFile, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates a new temporary data directory {@code pg-<random>} in {@code parent}, after taking its lock.
     *
     * @param parent where temporary data directories go
     * @return the held lock of the new, empty directory
     */
    static DataDirectoryLock newTemporaryDirectory(Path parent) throws IOException {
        Path realParent = parent.toRealPath(); // one spelling of each lock file's path, for OPEN
        for (int attempt = 0; attempt < 100; attempt++) {
            String name = TEMPORARY_PREFIX + Long.toUnsignedString(RANDOM.nextLong());
            Path directory = realParent.resolve(name);
            Path lockFile = realParent.resolve(name + LOCK_SUFFIX);
            Optional<DataDirectoryLock> locked;
            try {
                locked = tryLock(lockFile, directory, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            if (locked.isEmpty()) {
                continue; // a sweep holds it, and deletes it
            }
            DataDirectoryLock held = locked.get();
            // A sweep deletes a lock file only while it holds the lock: if ours is still there now that we
            // hold it, no sweep will ever delete it, nor the directory we create next.
            if (Files.exists(lockFile)) {
                try {
                    Files.createDirectory(directory);
                    return held;
                } catch (FileAlreadyExistsException e) {
                    held.deleteLockFile(); // a stray directory of that name: leave it to a later sweep
                }
            }
            held.close();
        }
        throw new IOException("Could not create a temporary data directory in " + parent);
    }

    /**
     * Takes the locks of the temporary data directories in {@code parent} whose JVM is gone: those whose
     * lock file exists and is free (also when the directory itself is gone already, or was never made).
     * A directory without a lock file was made by an older version of the library, which created the
     * directory before its lock file: it is taken only once it is older than {@code unlockedMinAge}.
     *
     * @param parent where temporary data directories go
     * @param unlockedMinAge the age from which a directory without a lock file counts as abandoned
     * @return the held locks, to be closed by the caller once it has deleted their directories
     */
    static List<DataDirectoryLock> takeOverAbandoned(Path parent, Duration unlockedMinAge) throws IOException {
        Path realParent = parent.toRealPath();
        Instant unlockedBefore = Instant.now().minus(unlockedMinAge);
        List<DataDirectoryLock> abandoned = new ArrayList<>();
        List<Path> entries;
        try (var listing = Files.list(realParent)) {
            entries = listing.filter(p -> p.getFileName().toString().startsWith(TEMPORARY_PREFIX))
                    .toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.endsWith(LOCK_SUFFIX)) {
                takeOver(
                                entry,
                                entry.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length())),
                                StandardOpenOption.WRITE)
                        .ifPresent(abandoned::add);
            } else if (Files.isDirectory(entry)
                    && !Files.exists(entry.resolveSibling(name + LOCK_SUFFIX))
                    && modifiedBefore(entry, unlockedBefore)) {
                takeOver(
                                entry.resolveSibling(name + LOCK_SUFFIX),
                                entry,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE)
                        .ifPresent(abandoned::add);
            }
        }
        return abandoned;
    }

    private static Optional<DataDirectoryLock> takeOver(Path lockFile, Path directory, OpenOption... options) {
        try {
            return tryLock(lockFile, directory, options);
        } catch (IOException e) { // gone meanwhile, or not ours to open
            return Optional.empty();
        }
    }

    private static boolean modifiedBefore(Path path, Instant instant) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<DataDirectoryLock> tryLock(Path lockFile, Path directory, OpenOption... options)
            throws IOException {
        if (!OPEN.add(lockFile)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, options);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // not expected: this JVM opens each lock file once
            }
            if (lock != null) {
                return Optional.of(new DataDirectoryLock(directory, lockFile, channel, lock));
            }
            channel.close();
            OPEN.remove(lockFile);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            OPEN.remove(lockFile);
            throw e;
        }
    }

    /** The data directory this lock is for. */
    Path directory() {
        return directory;
    }

    /** Deletes the lock file; only while the lock is held, and only once the directory is gone. */
    void deleteLockFile() throws IOException {
        Files.deleteIfExists(lockFile);
    }

    /** Releases the lock. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it as well
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        } finally {
            OPEN.remove(lockFile);
        }
    }
}
