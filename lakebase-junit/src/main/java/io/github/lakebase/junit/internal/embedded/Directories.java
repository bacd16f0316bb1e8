package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The directories the library creates on the way to what the server reads: each gets its permissions
 * explicitly ({@code rwxr-xr-x}), whatever the umask, as the server may run as another OS user, who
 * must be able to pass through them. Directories that exist already are left as they are. And the
 * deletion of a directory tree that must never be seen half-deleted.
 *
 * <pre>{@code
 * Path binaries = Directories.create(cache.resolve("binaries"));
 * }</pre>
 */
final class Directories {

    /** What a directory being deleted is renamed to end with, before a number. */
    static final String DELETING = ".deleting-";

    private static final Set<PosixFilePermission> TRAVERSABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private Directories() {}

    /**
     * Creates {@code directory} and its missing parents, each {@code rwxr-xr-x}.
     *
     * @return the directory, absolute
     */
    static Path create(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) {
                    continue; // another JVM made it just now, and sets its permissions
                }
                throw e;
            }
            makeTraversable(p);
        }
        return absolute;
    }

    /**
     * Deletes {@code directory} and everything beneath it, renamed away first ({@code
     * <name>.deleting-<n>}), so that a JVM that dies meanwhile leaves no half-deleted directory under its
     * name; {@link CacheCollector} deletes what such a JVM left.
     */
    static void deleteTree(Path directory) throws IOException {
        Path away =
                directory.resolveSibling(directory.getFileName() + DELETING + Long.toUnsignedString(System.nanoTime()));
        try {
            Files.move(directory, away, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            away = directory; // cannot rename here: delete in place
        }
        PostgresBinaries.deleteRecursively(away);
    }

    /** Sets {@code rwxr-xr-x} on a directory the library created. */
    static void makeTraversable(Path directory) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(directory, TRAVERSABLE);
        }
    }
}
