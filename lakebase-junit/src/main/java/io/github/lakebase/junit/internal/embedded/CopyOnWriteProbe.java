package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether files on a directory's filesystem can be cloned copy-on-write, which is what makes
 * {@code CREATE DATABASE ... STRATEGY FILE_COPY} with {@code file_copy_method = clone} independent of
 * the database's size. On Linux it tries a real reflink ({@code cp --reflink=always}); on macOS it
 * checks for APFS.
 *
 * <pre>{@code
 * boolean sizeIndependent = CopyOnWriteProbe.clonesFilesIn(Path.of("/mnt/xfs"));
 * }</pre>
 */
public final class CopyOnWriteProbe {

    private static final Logger LOG = LoggerFactory.getLogger(CopyOnWriteProbe.class);
    /** What was found, per filesystem: reported once per JVM. */
    private static final Map<Object, String> REPORTS = new ConcurrentHashMap<>();

    private CopyOnWriteProbe() {}

    /**
     * Whether branches on the filesystem of {@code directory} are copy-on-write clones, as a sentence: found
     * out, and logged, the first time this JVM asks about that filesystem.
     */
    static String report(Path directory) {
        Object fileSystem;
        try {
            fileSystem = Files.getFileStore(directory);
        } catch (IOException e) {
            fileSystem = directory;
        }
        return REPORTS.computeIfAbsent(fileSystem, key -> {
            String report = describe(directory);
            LOG.info(report);
            return report;
        });
    }

    /**
     * Whether files in {@code directory} can be cloned copy-on-write (the benchmark uses it to label its
     * filesystems).
     *
     * @param directory an existing, writable directory
     * @return {@code true} when a real clone succeeded there
     */
    public static boolean clonesFilesIn(Path directory) {
        // supportsClone probes beside the directory it is given, that is in its parent.
        return supportsClone(directory.resolve("probe"), fileSystemType(directory));
    }

    static String describe(Path directory) {
        String type = fileSystemType(directory);
        boolean cow = supportsClone(directory, type);
        return cow
                ? "Branches on " + directory + " are copy-on-write clones (" + type + " supports reflinks): their cost "
                        + "does not grow with the parent's size."
                : "Branches on " + directory + " are plain file copies (" + type + " has no reflinks): their cost "
                        + "grows with the parent's size. Put lakebase.embedded.data-directory on XFS (reflink), btrfs, "
                        + "ZFS or APFS for copy-on-write branches.";
    }

    static boolean supportsClone(Path directory, String type) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return type.equalsIgnoreCase("apfs");
        }
        if (!os.contains("linux")) {
            return false;
        }
        Path source = null;
        Path copy = null;
        try {
            source = Files.createTempFile(directory.getParent(), "cow-probe-", ".bin");
            Files.write(source, new byte[8192]);
            copy = source.resolveSibling(source.getFileName() + ".clone");
            Process p = ChildProcesses.builder("cp", "--reflink=always", source.toString(), copy.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            deleteQuietly(copy);
            deleteQuietly(source);
        }
    }

    static String fileSystemType(Path directory) {
        try {
            return Files.getFileStore(directory).type();
        } catch (IOException e) {
            return "unknown filesystem";
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a probe file in a temporary place
            }
        }
    }
}
