package io.github.lakebase.junit.internal.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Small files replaced whole, so that a reader (another JVM, a later run) sees the old content or the new one,
 * never a part: written to a temporary file beside the target, then moved over it.
 *
 * <pre>{@code
 * AtomicFiles.write(directory.resolve("report.json"), json);
 * }</pre>
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes {@code content} (UTF-8) to {@code file}, in place of what it held. Where the filesystem cannot move
     * atomically, the move still replaces the file, without that guarantee. A new file has the permissions the
     * process's umask gives any new file (as {@link Files#writeString} would), not those of a temporary file ({@link
     * Files#createTempFile} makes it readable by its owner only); a replaced file keeps the permissions it had.
     *
     * @param file the file; its directory must exist
     * @param content the whole new content
     * @throws IOException when the file cannot be written; the temporary file is gone then
     */
    public static void write(Path file, String content) throws IOException {
        Path temporary = newTemporary(file, content);
        try {
            keepPermissions(file, temporary);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * A new file beside {@code file} that holds {@code content}, of a name no other writer uses, created as any new
     * file is.
     */
    private static Path newTemporary(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        while (true) {
            Path temporary = directory.resolve(file.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                return temporary;
            } catch (FileAlreadyExistsException e) {
                // another writer's: draw again
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(temporary); // made, but not written whole
                } catch (IOException left) {
                    e.addSuppressed(left); // the write's failure is the one to report
                }
                throw e;
            }
        }
    }

    /**
     * Gives {@code temporary} the POSIX permissions of {@code file}, where it exists and the filesystem lets them be
     * set: some refuse (a FAT or CIFS mount, NFS that squashes the user), and the content matters more than its mode.
     */
    private static void keepPermissions(Path file, Path temporary) {
        try {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
        } catch (IOException | UnsupportedOperationException e) {
            // a new file, no POSIX permissions, or none that can be set: the temporary file keeps those it was made
            // with
        }
    }
}
