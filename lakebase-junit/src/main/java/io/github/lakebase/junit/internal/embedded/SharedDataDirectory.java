package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent data directory that test JVMs share (surefire's {@code forkCount}, two builds at
 * once): the first JVM that needs its server starts it, the others join it, and the last one to leave
 * stops it.
 *
 * <p>The JVMs agree through POSIX record locks on the file {@code <directory>.lock} beside it, which
 * the operating system releases when a JVM dies, however it dies. Byte 0 admits one JVM at a time to
 * start, join or leave the server; it is held for seconds at most. Byte 1 is held shared by every JVM
 * that uses the server, for as long as it does: a JVM that leaves is the last one when it can then
 * take byte 1 for itself, and a JVM that arrives finds a server nobody uses (its last user was killed,
 * and its watchdog is stopping it) when it can. A JVM killed while it uses the server leaves no lock
 * behind, and the server's {@link Watchdog} stops the server once the last JVM holding it is gone.
 *
 * <p>Two embedded servers of one JVM on one data directory share one instance, counted: POSIX locks
 * belong to a process, and closing any channel on the file would release all of them.
 *
 * <pre>{@code
 * SharedDataDirectory shared = SharedDataDirectory.open(dataDirectory, othersUseIt -> launch(othersUseIt));
 * Postmaster postmaster = shared.postmaster();
 * shared.release();
 * }</pre>
 */
final class SharedDataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SharedDataDirectory.class);
    /** How long a JVM waits for another to start, join or leave the server. */
    private static final Duration ADMISSION_WAIT = Duration.ofMinutes(3);

    private static final Map<Path, SharedDataDirectory> OPEN = new HashMap<>();

    /** Starts the server on the data directory, or joins the one that runs there. */
    @FunctionalInterface
    interface Launcher {
        /**
         * Called with the admission held, when this JVM has no server on the directory yet.
         *
         * @param othersUseIt whether another live JVM uses the directory's server now
         * @return the started or joined server
         */
        Postmaster launch(boolean othersUseIt) throws IOException;
    }

    private final Path directory;
    private final Path lockFile;
    private final FileChannel channel;
    private FileLock use;
    /** Written by a start and at the last release, each with this instance held. */
    private Postmaster postmaster;

    private int references;
    /**
     * Set, with {@code OPEN} held, once the last reference is released, or before a deletion publishes its
     * instance: an open then waits for a new instance.
     */
    private boolean leaving;

    private SharedDataDirectory(Path directory, Path lockFile, FileChannel channel) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.channel = channel;
    }

    /**
     * The shared data directory {@code directory} of this JVM, with a running server: the one this JVM
     * runs there already, else one that {@code launcher} starts or joins.
     */
    static SharedDataDirectory open(Path directory, Launcher launcher) throws IOException {
        SharedDataDirectory shared = counted(directory);
        // Started or joined with this directory's instance held, not every directory's: a start takes seconds, and
        // the servers of other data directories (other settings, other test classes) start meanwhile.
        synchronized (shared) {
            try {
                shared.ensureRunning(launcher);
                return shared;
            } catch (IOException | RuntimeException | Error e) {
                shared.release();
                throw e;
            }
        }
    }

    /** This JVM's instance of {@code directory}, made if it has none, counted once more. */
    private static SharedDataDirectory counted(Path directory) throws IOException {
        synchronized (OPEN) {
            Path parent = Directories.create(directory.getParent()).toRealPath();
            Path key = parent.resolve(directory.getFileName());
            SharedDataDirectory shared = awaitNotLeaving(key);
            if (shared == null) {
                Path lockFile = parent.resolve(directory.getFileName() + DataDirectoryLock.LOCK_SUFFIX);
                // Readable too: a shared lock needs it.
                shared = new SharedDataDirectory(
                        key,
                        lockFile,
                        FileChannel.open(
                                lockFile,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE));
                OPEN.put(key, shared);
                // The time of the lock file says when a JVM last used the directory (CacheCollector).
                CacheCollector.markUsed(lockFile);
            }
            shared.references++;
            return shared;
        }
    }

    /**
     * This JVM's instance of {@code key} once none is leaving it (stopping or leaving its server, or deleting the
     * directory), or {@code null}; with {@code OPEN} held.
     */
    private static SharedDataDirectory awaitNotLeaving(Path key) {
        SharedDataDirectory shared = OPEN.get(key);
        while (shared != null && shared.leaving) {
            try {
                OPEN.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("Interrupted while the embedded server on " + key + " stopped", e);
            }
            shared = OPEN.get(key);
        }
        return shared;
    }

    /**
     * Deletes the data directory {@code directory}, with its log and watchdog pipe, if no JVM uses it (this
     * one included) and no server runs on it. It is renamed away first, so that a JVM that dies meanwhile
     * leaves no half-deleted directory under its name. Its lock file stays: a JVM may have opened it to
     * wait for its lock.
     *
     * @return whether it was deleted
     */
    static boolean deleteIfUnused(Path directory) throws IOException {
        SharedDataDirectory deleting;
        synchronized (OPEN) {
            Path parent = directory.getParent().toRealPath();
            Path key = parent.resolve(directory.getFileName());
            if (OPEN.containsKey(key)) {
                return false;
            }
            Path lockFile = parent.resolve(directory.getFileName() + DataDirectoryLock.LOCK_SUFFIX);
            FileChannel channel = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            boolean unused;
            try {
                FileLock nobody = channel.tryLock(0, 2, false); // released as the channel closes
                unused = nobody != null && !PidFiles.runsOn(key);
            } catch (OverlappingFileLockException e) {
                unused = false; // this JVM holds it in another way
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (!unused) {
                channel.close();
                return false;
            }
            // In OPEN while it is deleted, which takes seconds for a large one: an open of it waits, others do not.
            deleting = new SharedDataDirectory(key, lockFile, channel);
            deleting.leaving = true;
            OPEN.put(key, deleting);
        }
        try {
            Directories.deleteTree(deleting.directory);
            for (String suffix : List.of(".log", Watchdog.SUFFIX)) {
                Files.deleteIfExists(EmbeddedServer.sibling(deleting.directory, suffix));
            }
            return true;
        } finally {
            deleting.forget();
        }
    }

    /** The server this JVM uses on the directory. */
    synchronized Postmaster postmaster() {
        return postmaster;
    }

    @SuppressWarnings("try") // the admission is held for the block, not used in it
    private void ensureRunning(Launcher launcher) throws IOException {
        if (postmaster != null && postmaster.running()) {
            return;
        }
        try (FileLock admission = admit()) {
            if (use != null) {
                use.release(); // to see whether anyone else uses the directory
                use = null;
            }
            boolean othersUseIt;
            try (FileLock alone = channel.tryLock(1, 1, false)) {
                othersUseIt = alone == null;
            }
            // At once: nobody holds byte 1 for itself while this JVM is admitted. (An interrupt in lock() would close
            // the channel, and with it this JVM's locks on the file.)
            use = channel.tryLock(1, 1, true);
            if (use == null) {
                throw new IOException("Another JVM holds " + lockFile + " for itself while this one is admitted");
            }
            if (postmaster != null) {
                postmaster.release(); // a server of this JVM that died; replaced now
                postmaster = null;
            }
            postmaster = launcher.launch(othersUseIt);
        }
    }

    /**
     * Lets go of the directory: once the last embedded server of this JVM on it is closed, stops the
     * server if no other JVM uses it, else leaves it to them. The stop takes seconds (the server's shutdown
     * checkpoint); only an open of this directory waits for it, not one of another directory.
     */
    void release() {
        synchronized (OPEN) {
            if (--references > 0) {
                return;
            }
            // No start can be under way: every caller of open holds a count until it has returned or released it.
            // The instance stays in OPEN until its channel is closed, so that no open makes a second channel on the
            // lock file meanwhile (closing this one would release that one's locks).
            leaving = true;
        }
        try {
            leave();
        } finally {
            forget();
        }
    }

    /** Closes the lock file of this leaving instance, which releases its locks, and lets opens of it go on. */
    private void forget() {
        synchronized (OPEN) {
            OPEN.remove(directory, this);
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing {}: {}", lockFile, e.getMessage());
            }
            OPEN.notifyAll();
        }
    }

    @SuppressWarnings("try") // the admission is held for the block, not used in it
    private synchronized void leave() {
        try (FileLock admission = admit()) {
            if (use != null) {
                use.release();
                use = null;
            }
            try (FileLock last = channel.tryLock(1, 1, false)) {
                if (postmaster != null) {
                    if (last != null) {
                        postmaster.leaveLast();
                    } else {
                        LOG.info(
                                "Leaving the embedded PostgreSQL server on {} to the other test JVMs that use it",
                                directory);
                        postmaster.release();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not leave the data directory {} cleanly: {}", directory, e.getMessage());
            if (postmaster != null) {
                postmaster.release(); // its watchdog stops it once no JVM holds it
            }
        } finally {
            postmaster = null;
        }
    }

    /** Waits until this JVM may start, join or leave the server. */
    private FileLock admit() throws IOException {
        long deadline = System.nanoTime() + ADMISSION_WAIT.toNanos();
        boolean logged = false;
        while (true) {
            FileLock admission = channel.tryLock(0, 1, false);
            if (admission != null) {
                return admission;
            }
            if (System.nanoTime() > deadline) {
                throw ProviderException.configuration("Another test JVM has been starting or stopping the server on "
                        + "the data directory " + directory + " for " + ADMISSION_WAIT.toMinutes() + " minutes. Wait "
                        + "for it to finish, or give this build its own lakebase.embedded.data-directory.");
            }
            if (!logged) {
                LOG.info("Waiting for another test JVM to finish starting or stopping the server on {}", directory);
                logged = true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for " + lockFile, e);
            }
        }
    }
}
