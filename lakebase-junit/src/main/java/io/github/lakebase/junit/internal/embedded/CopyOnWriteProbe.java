package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.DaemonThreads;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
        return report(directory, fileSystemOf(directory));
    }

    private static Object fileSystemOf(Path directory) {
        try {
            return Files.getFileStore(directory);
        } catch (IOException e) {
            return directory;
        }
    }

    private static String report(Path directory, Object fileSystem) {
        return REPORTS.computeIfAbsent(fileSystem, key -> {
            String report = describe(directory);
            LOG.info(report);
            return report;
        });
    }

    /**
     * Finds out and logs the {@link #report} in a daemon thread, so that a server's start need not wait for the
     * probe's {@code cp} process (about 30 ms of a 2-core machine's time, once per JVM and filesystem); a later
     * {@link #report} of the same filesystem waits for it, and does not probe again.
     */
    static void reportInBackground(Path directory) {
        Object fileSystem = fileSystemOf(directory); // while the directory is there for sure
        if (REPORTS.containsKey(fileSystem)) {
            return; // probed already
        }
        DaemonThreads.named("lakebase-junit-probe")
                .newThread(() -> report(directory, fileSystem))
                .start();
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
        if (cow) {
            return "Branches on " + directory + " are copy-on-write clones (" + type
                    + " supports reflinks): their cost " + "does not grow with the parent's size.";
        }
        String report =
                "Branches on " + directory + " are plain file copies (" + type + " has no reflinks): their cost "
                        + "grows with the parent's size. Put lakebase.embedded.data-directory on XFS (reflink), btrfs, ZFS or "
                        + "APFS for copy-on-write branches.";
        return onExt4WithoutJournal(directory)
                ? report + " This ext4 has no journal, which makes creating a database several times slower as well: "
                        + "without a journal, Linux does not reuse an inode freed in the last seconds to minutes, and "
                        + "each branch frees and allocates hundreds of files. A journaled ext4 or XFS does not have this."
                : report;
    }

    /**
     * Whether {@code directory} is on an ext4 filesystem without a journal (the benchmark uses it to label its
     * filesystems).
     *
     * @param directory an existing directory
     * @return {@code false} when it has a journal, is not ext4, or cannot be told
     */
    public static boolean onExt4WithoutJournal(Path directory) {
        return withoutJournal(directory, Path.of("/sys/fs/ext4"), Path.of("/proc/fs/jbd2"));
    }

    /**
     * Whether {@code directory} is on an ext4 filesystem without a journal, as Linux describes its mounted
     * filesystems: each ext4 device has a directory under {@code sysExt4} ({@code /sys/fs/ext4/vda}), and each
     * journal one under {@code procJbd2} ({@code /proc/fs/jbd2/vda-8}). Linux's ext4 skips inodes freed in
     * the last 5 to 300 seconds when it allocates one on a filesystem without a journal ({@code
     * recently_deleted()} in {@code fs/ext4/ialloc.c}), which a server that creates and drops databases
     * of hundreds of files each pays for on every new file.
     *
     * @return {@code false} when it has a journal, is not ext4, or cannot be told
     */
    static boolean withoutJournal(Path directory, Path sysExt4, Path procJbd2) {
        try {
            FileStore store = Files.getFileStore(directory);
            return withoutJournal(store.type(), store.name(), sysExt4, procJbd2);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * As {@link #withoutJournal(Path, Path, Path)}, for the filesystem of type {@code type} on the device
     * {@code deviceName} ({@code /dev/vda}).
     */
    static boolean withoutJournal(String type, String deviceName, Path sysExt4, Path procJbd2) {
        if (!type.equals("ext4") || !deviceName.startsWith("/dev/")) {
            return false;
        }
        String device = deviceName.substring(deviceName.lastIndexOf('/') + 1);
        if (device.isEmpty() || !Files.isDirectory(sysExt4.resolve(device)) || !Files.isDirectory(procJbd2)) {
            return false;
        }
        try (Stream<Path> journals = Files.list(procJbd2)) {
            return journals.noneMatch(
                    journal -> journal.getFileName().toString().startsWith(device + "-"));
        } catch (IOException e) {
            return false;
        }
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
        Process p = null;
        try {
            source = Files.createTempFile(directory.getParent(), "cow-probe-", ".bin");
            copy = source.resolveSibling(source.getFileName() + ".clone");
            // The probe runs in the background (reportInBackground): a JVM that exits meanwhile deletes them too.
            source.toFile().deleteOnExit();
            copy.toFile().deleteOnExit();
            Files.write(source, new byte[8192]);
            p = ChildProcesses.builder("cp", "--reflink=always", source.toString(), copy.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            // Within a bound: a cp that hangs (on a network mount, say) is destroyed below.
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | RuntimeException e) { // deleteOnExit refuses once the JVM is shutting down
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
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
