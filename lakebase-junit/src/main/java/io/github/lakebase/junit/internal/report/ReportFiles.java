package io.github.lakebase.junit.internal.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.lakebase.junit.internal.util.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run report's files in its directory ({@code target/lakebase/} by default):
 *
 * <ul>
 *   <li>{@code runs/report-<run>.json}: the fragment of one test JVM, rewritten each time that JVM writes;
 *   <li>{@code report.json} and {@code report.md}: the report of the build, merged from the fragments of the same
 *       build, so that the test JVMs of one build (Surefire's {@code forkCount}) give one report;
 *   <li>{@code report.lock}: the file lock under which a JVM writes its fragment and merges.
 * </ul>
 *
 * <p>A fragment of another build is stale: the first JVM of a new build that writes deletes it.
 *
 * <pre>{@code
 * ReportFiles.write(Path.of("target/lakebase"), RunReport.fragment(runId, build));
 * }</pre>
 */
final class ReportFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ReportFiles.class);
    static final String RUNS = "runs";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** A file lock is held per JVM, not per thread: two threads of one JVM take turns here first. */
    private static final Object IN_THIS_JVM = new Object();

    private ReportFiles() {}

    /**
     * Writes {@code fragment} and the build's merged report.
     *
     * @param directory the report's directory, created if need be
     * @param fragment this JVM's fragment: one run
     * @return the merged report that was written
     * @throws IOException when a file cannot be written
     */
    @SuppressWarnings("try") // the lock is held for the block's length, and never referenced
    static ReportDocument write(Path directory, ReportDocument fragment) throws IOException {
        Path runs = Files.createDirectories(directory.resolve(RUNS));
        synchronized (IN_THIS_JVM) {
            try (FileChannel channel = FileChannel.open(
                            directory.resolve("report.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                AtomicFiles.write(
                        runs.resolve("report-" + fragment.runs().get(0) + ".json"), JSON.writeValueAsString(fragment));
                ReportDocument merged = ReportDocument.merge(fragment.build(), fragmentsOf(fragment.build(), runs));
                AtomicFiles.write(directory.resolve("report.json"), JSON.writeValueAsString(merged));
                AtomicFiles.write(directory.resolve("report.md"), ReportMarkdown.render(merged));
                return merged;
            }
        }
    }

    /** Reads a report or a fragment. */
    static ReportDocument read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ReportDocument.class);
    }

    /** The fragments of {@code build}, oldest first; fragments of other builds are deleted. */
    private static List<ReportDocument> fragmentsOf(String build, Path runs) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(runs, "report-*.json")) {
            listing.forEach(files::add);
        }
        files.sort(Comparator.comparing(ReportFiles::modified).thenComparing(Path::toString));
        List<ReportDocument> fragments = new ArrayList<>();
        for (Path file : files) {
            ReportDocument fragment;
            try {
                fragment = read(file);
            } catch (IOException e) {
                LOG.info("Deleting the unreadable run report fragment {}: {}", file, e.getMessage());
                Files.deleteIfExists(file);
                continue;
            }
            if (fragment.version() == ReportDocument.VERSION && build.equals(fragment.build())) {
                fragments.add(fragment);
            } else {
                Files.deleteIfExists(file); // an earlier build's
            }
        }
        return fragments;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
