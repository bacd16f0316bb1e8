package io.github.lakebase.junit.internal.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
     * atomically, the move still replaces the file, without that guarantee.
     *
     * @param file the file; its directory must exist
     * @param content the whole new content
     * @throws IOException when the file cannot be written; the temporary file is gone then
     */
    public static void write(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
