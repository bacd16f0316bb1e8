package io.github.lakebase.benchmarks.report;

import io.github.lakebase.junit.internal.embedded.CopyOnWriteProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A filesystem the benchmark runs on: where its data directories go, its type, and whether it clones
 * files copy-on-write (reflinks), which is what makes a template clone independent of the database's
 * size. A filesystem that cannot be used here carries the reason.
 *
 * <pre>{@code
 * Filesystem fs = Filesystem.probe("xfs", Path.of("/mnt/lakebase-xfs"));
 * }</pre>
 *
 * @param label how reports name it
 * @param directory where data directories go, or {@code null} when skipped
 * @param type the filesystem type ({@code ext4}, {@code xfs}...)
 * @param reflink whether it clones files copy-on-write
 * @param withoutJournal whether it is an ext4 without a journal, where creating files costs more
 * @param skipped why it is not measured, or {@code null}
 */
public record Filesystem(
        String label, String directory, String type, boolean reflink, boolean withoutJournal, String skipped) {

    /**
     * Looks at {@code directory}: its type, and whether {@code cp --reflink=always} works there.
     *
     * @param label how reports name it
     * @param directory an existing, writable directory
     * @return the filesystem
     */
    public static Filesystem probe(String label, Path directory) {
        String type;
        try {
            type = Files.getFileStore(directory).type();
        } catch (IOException e) {
            type = "unknown";
        }
        return new Filesystem(
                label,
                directory.toString(),
                type,
                reflinks(directory),
                CopyOnWriteProbe.onExt4WithoutJournal(directory),
                null);
    }

    /**
     * A filesystem that is not measured.
     *
     * @param label how reports name it
     * @param reason why
     * @return the filesystem
     */
    public static Filesystem skipped(String label, String reason) {
        return new Filesystem(label, null, label, false, false, reason);
    }

    /**
     * How reports describe it: {@code xfs (reflink)}, {@code ext4 (plain copy)}, {@code ext4 without a journal
     * (plain copy)}.
     */
    public String describe() {
        return type + (withoutJournal ? " without a journal" : "") + (reflink ? " (reflink)" : " (plain copy)");
    }

    /** The same filesystem under another label. */
    public Filesystem withLabel(String newLabel) {
        return new Filesystem(newLabel, directory, type, reflink, withoutJournal, skipped);
    }

    private static boolean reflinks(Path directory) {
        return CopyOnWriteProbe.clonesFilesIn(directory);
    }
}
