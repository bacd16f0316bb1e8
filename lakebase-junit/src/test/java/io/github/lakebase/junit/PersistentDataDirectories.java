package io.github.lakebase.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Temporary directories for tests that start this JVM's embedded server on a persistent data directory of their own
 * ({@code lakebase.embedded.data-directory}). That server runs until the JVM exits, and may fork a spare into the
 * directory at any time before, so JUnit's {@code @TempDir} cannot delete the directory after the test (the deletion
 * fails, and fails the test). These directories are deleted as the JVM exits instead, each once no server runs on a
 * data directory in it any more: the library's own shutdown stops the servers at the same time.
 *
 * <pre>{@code
 * Path directory = PersistentDataDirectories.create("kept-staged-base-");
 * Map.of("lakebase.embedded.data-directory", directory.resolve("pgdata").toString());
 * }</pre>
 */
public final class PersistentDataDirectories {

    /** How long the JVM's exit waits, at most, for the servers on these directories to stop. */
    private static final long STOP_SECONDS = 30;

    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(PersistentDataDirectories::deleteAll, "lakebase-junit-tests-data-directories"));
    }

    private PersistentDataDirectories() {}

    /**
     * A new directory under the temporary directory, which the OS user the server runs as can reach (another one
     * than the build's when the build runs as root), deleted as the JVM exits.
     *
     * @param prefix the start of its name
     * @return the directory
     * @throws IOException when it cannot be made
     */
    public static Path create(String prefix) throws IOException {
        Path directory = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        CREATED.add(directory);
        return directory;
    }

    private static void deleteAll() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
        for (Path directory : CREATED) {
            try {
                while (serverRunsIn(directory) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                deleteTree(directory);
            } catch (IOException | UncheckedIOException e) {
                System.err.println("Could not delete the test data directory " + directory + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether a data directory in {@code directory} has a server: PostgreSQL deletes its pid file as it stops. */
    private static boolean serverRunsIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.find(
                directory,
                2,
                (path, attributes) -> path.getFileName().toString().equals("postmaster.pid"))) {
            return files.findAny().isPresent();
        }
    }

    /**
     * Deletes {@code directory} and everything in it, if it exists; a symbolic link in it is deleted, not followed.
     *
     * @param directory the directory
     * @throws IOException when something in it cannot be deleted
     */
    public static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
