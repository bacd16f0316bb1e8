package io.github.lakebase.junit.internal.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of a base's rows, as the library read them with {@code COPY ... TO STDOUT (FORMAT binary)}, that the server
 * reads back with {@code COPY ... FROM 'file'} (which a superuser may run: <a
 * href="https://www.postgresql.org/docs/current/sql-copy.html">COPY</a>), in a directory on the server's machine
 * that the library owns: the embedded server's {@code <data directory>/lakebase-junit-rows}. The library writes them,
 * not the server: it has read the rows anyway, and stops reading a table beyond the bytes held, where a server's
 * {@code COPY ... TO 'file'} cannot be stopped (a table compressed on disk may hold a hundred times its size). A
 * restore then sends its whole refill, the commit included, in one round trip: a {@code COPY FROM STDIN} takes two
 * of its own, as pgjdbc waits for the server's {@code CopyInResponse} before it sends rows and for its {@code
 * CommandComplete} after them, and cannot share them with other statements.
 *
 * <p>Each run names its files {@code <run id>.<n>.bin}, numbered across all its restorers (two configurations of one
 * run that differ only in keys the server does not depend on share its server, each with a restorer of its own),
 * deletes them when it no longer holds their rows and when it ends, and deletes those of runs that are no longer
 * alive ({@link #sweep}): a run that was killed leaves its files behind, and a persistent server outlives it.
 *
 * <pre>{@code
 * RowFiles files = RowFiles.in(dataDirectory.resolve(RowFiles.DIRECTORY), runId).orElseThrow();
 * Optional<Path> file = files.write(connection, rowsInCopysBinaryFormat);
 * files.delete(file.get());
 * files.sweep(run -> DeadRuns.isAlive(admin, run));
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class RowFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RowFiles.class);
    /** The directory's name in the embedded server's data directory. */
    static final String DIRECTORY = "lakebase-junit-rows";

    private static final String SUFFIX = ".bin";

    private final Path directory;
    private final String runId;
    /** Numbers the files of every restorer of the run: two configurations of a run may share a server. */
    static final AtomicLong NEXT = new AtomicLong();
    /** The files this run wrote and has not deleted, by path. */
    private final Set<Path> own = ConcurrentHashMap.newKeySet();
    /** Why a file could not be written or read, once one could not: rows are then held in memory. */
    private volatile String failed;
    /** Whether the server has read a file of this run's. */
    private volatile boolean readable;

    private RowFiles(Path directory, String runId) {
        this.directory = directory;
        this.runId = runId;
    }

    /**
     * The files of {@code runId} in {@code directory}, an absolute path on the server's machine that this JVM can
     * write, list and delete in and the server can read in; empty when the path is relative (COPY reads a relative
     * path from the server's working directory), or has a quote (which the literal would have to double) or a
     * backslash (whose meaning in a literal {@code standard_conforming_strings} decides).
     */
    static Optional<RowFiles> in(Path directory, String runId) {
        String path = directory.toString();
        return directory.isAbsolute() && path.indexOf('\'') < 0 && path.indexOf('\\') < 0
                ? Optional.of(new RowFiles(directory, runId))
                : Optional.empty();
    }

    /** The files of {@code runId} in {@link PostgresServer#rowsDirectory()}, or null where there is none. */
    static RowFiles of(PostgresServer server, String runId) {
        return server.rowsDirectory().flatMap(d -> in(d, runId)).orElse(null);
    }

    /**
     * Writes {@code rows}, a table's rows in COPY's binary format, to a new file readable by all (only the server's
     * OS user and root can reach it: the directory is that user's, {@code rwx------}), and checks once that the
     * server reads it ({@code pg_read_binary_file}).
     *
     * @param c a superuser's connection to the server
     * @return the file; empty when this file, or an earlier one, could not be written or read by the server: then
     *     the caller holds the rows in memory, from now on for every table
     * @throws SQLException when the session fails, or the check fails for a reason that names no file (the library's
     *     user may not run {@code pg_read_binary_file})
     */
    Optional<Path> write(Connection c, byte[] rows) throws SQLException {
        if (failed != null) {
            return Optional.empty();
        }
        Path file = directory.resolve(runId + "." + NEXT.incrementAndGet() + SUFFIX);
        own.add(file);
        try {
            // CREATE_NEW follows no link; nor does the change of mode: the directory is the server's OS user's, who
            // could put a link in the file's place meanwhile, and the JVM may run as root.
            Files.write(file, rows, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            return fail(file, e.toString());
        }
        if (!readable) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_read_binary_file(" + literal(file) + ", 0, 1)");
                readable = true;
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                    throw e; // the session's failure, not the file's
                }
                return fail(file, e.getMessage());
            }
        }
        return Optional.of(file);
    }

    private Optional<Path> fail(Path file, String why) {
        delete(file);
        failed = why;
        LOG.debug("Cannot keep rows in files the server reads in {}; holding them in memory: {}", directory, why);
        return Optional.empty();
    }

    /** Whether {@code alive} says {@code run} is alive; when it cannot tell, it is taken as alive. */
    private static boolean alive(Predicate<String> alive, String run) {
        try {
            return alive.test(run);
        } catch (RuntimeException e) {
            LOG.debug("Cannot tell whether run {} is alive; keeping its files: {}", run, e.getMessage());
            return true;
        }
    }

    /** {@code file} as a string literal of SQL, which {@link #in} made sure it can be written as. */
    static String literal(Path file) {
        return AdminSql.literal(file.toString());
    }

    /** Deletes {@code file}, one of this run's, if it is there. */
    void delete(Path file) {
        own.remove(file);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", file, e.getMessage());
        }
    }

    /** Deletes every file of this run: it ends. */
    void deleteOwn() {
        new ArrayList<>(own).forEach(this::delete);
    }

    /**
     * Deletes the files of the runs that {@code alive} says are not alive, this run's aside.
     *
     * @return the files deleted
     */
    List<Path> sweep(Predicate<String> alive) {
        List<Path> swept = new ArrayList<>();
        Map<String, Boolean> runs = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dot = name.indexOf('.');
                String run = dot < 0 ? "" : name.substring(0, dot);
                if (!run.isEmpty() && !run.equals(runId) && !runs.computeIfAbsent(run, r -> alive(alive, r))) {
                    Files.deleteIfExists(file);
                    swept.add(file);
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not sweep {}: {}", directory, e.getMessage());
        }
        return swept;
    }
}
