package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary data directories of a cache directory ({@code <cache>/data/pg-<random>}): one per
 * embedded server, deleted with its log and pipe when the server is closed, and by a later start once
 * its JVM is gone (killed, or crashed), as its free {@link DataDirectoryLock} tells.
 *
 * <pre>{@code
 * DataDirectoryLock lock = TemporaryDataDirectories.create(tools, cache.resolve("data"));
 * TemporaryDataDirectories.delete(lock);
 * }</pre>
 */
final class TemporaryDataDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryDataDirectories.class);
    /**
     * A temporary data directory without a lock file was made by an older version of the library, which
     * created the directory before locking it: younger than this, it may belong to a JVM still starting.
     */
    private static final Duration UNLOCKED_MIN_AGE = Duration.ofMinutes(2);
    /** What lies beside a data directory and goes with it. */
    private static final List<String> SIBLINGS = List.of(".log", ".pwfile", Watchdog.SUFFIX);

    private TemporaryDataDirectories() {}

    /** Sweeps the directories of JVMs that are gone, then creates a new, locked one in {@code parent}. */
    static DataDirectoryLock create(PgTools tools, Path parent) throws IOException {
        Directories.create(parent);
        sweep(tools, parent);
        return DataDirectoryLock.newTemporaryDirectory(parent);
    }

    /** Deletes a temporary data directory with what lies beside it, then its lock file; keeps the lock held. */
    static void delete(DataDirectoryLock lock) throws IOException {
        Path dir = lock.directory();
        try {
            PostgresBinaries.deleteRecursively(dir);
            for (String suffix : SIBLINGS) {
                Files.deleteIfExists(EmbeddedServer.sibling(dir, suffix));
            }
            lock.deleteLockFile();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Deletes the temporary data directories of JVMs that are gone: those whose lock is free. A server
     * such a JVM left running (its watchdog stops it by itself, within seconds) is stopped first.
     */
    static void sweep(PgTools tools, Path parent) {
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
                PidFiles.stopServerLeftOn(tools, dir);
                delete(dead);
                if (existed) {
                    LOG.info("Deleted the temporary data directory {} of a test JVM that is gone", dir);
                }
            } catch (IOException e) {
                LOG.debug("Could not delete {}: {}", dir, e.getMessage());
            } finally {
                dead.close();
            }
        }
    }
}
