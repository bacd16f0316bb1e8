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

    /** How many symbolic links {@link #canonical} follows at most, as Linux does before {@code ELOOP}. */
    private static final int MAX_LINKS = 40;

    /**
     * The one spelling of {@code path} that every JVM using it arrives at, whatever spelling it was given: absolute,
     * its symbolic links and its {@code .} and {@code ..} resolved ({@link Path#toRealPath}) as far as it exists, and
     * the rest normalized. A symbolic link whose target does not exist yet is followed as well. A data directory's
     * lock, log and watchdog pipe are its siblings, named after it: two spellings (a link to it, a trailing {@code
     * /.}) must not make two of each.
     *
     * <pre>{@code
     * Directories.canonical(Path.of("linked/."));   // /home/me/project/pgdata, where linked -> pgdata
     * }</pre>
     *
     * @throws IOException when a part that exists cannot be read, or symbolic links loop
     */
    static Path canonical(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        for (int links = 0; links <= MAX_LINKS; links++) {
            Deque<Path> missing = new ArrayDeque<>();
            Path existing = absolute;
            // Files.exists follows links: a link to nothing is missing, and is followed below.
            while (existing.getParent() != null && !Files.exists(existing) && !Files.isSymbolicLink(existing)) {
                missing.push(existing.getFileName());
                existing = existing.getParent();
            }
            if (!Files.exists(existing)) { // a link to what does not exist: go on from its target
                Path target = existing.resolveSibling(Files.readSymbolicLink(existing));
                for (Path name : missing) {
                    target = target.resolve(name);
                }
                absolute = target.toAbsolutePath();
                continue;
            }
            Path canonical = existing.toRealPath();
            for (Path name : missing) {
                canonical = canonical.resolve(name);
            }
            return canonical.normalize();
        }
        throw new IOException("Too many levels of symbolic links in " + path);
    }

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
