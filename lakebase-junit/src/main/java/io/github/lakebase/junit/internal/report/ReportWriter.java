package io.github.lakebase.junit.internal.report;

import io.github.lakebase.junit.internal.config.Configuration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the run report of this JVM at the end of a test run, as its configuration says: {@code
 * lakebase.report.enabled} (default {@code true}), {@code lakebase.report.directory} (default {@code
 * target/lakebase}, against the module's base directory: Maven's {@code basedir}, else the working directory) and
 * {@code lakebase.report.build-id} (default: the Maven process that started this test JVM, so that the JVMs of one
 * build share a report; elsewhere this JVM alone).
 *
 * <pre>{@code
 * ReportWriter.of(config).ifPresent(ReportWriter::write);
 * }</pre>
 */
public final class ReportWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    private final Path directory;
    private final String run;
    private final String build;

    ReportWriter(Path directory, String run, String build) {
        this.directory = directory;
        this.run = run;
        this.build = build;
    }

    /**
     * The writer for {@code config}, or empty when the report is off.
     *
     * @param config the test run's configuration
     * @return the writer of this JVM's report
     */
    public static Optional<ReportWriter> of(Configuration config) {
        Optional<Path> report = config.reportDirectory();
        if (report.isEmpty()) {
            return Optional.empty();
        }
        Path directory = report.get();
        String build = config.get(Configuration.REPORT_BUILD_ID).orElseGet(() -> mavenBuild(config.runId()));
        return Optional.of(new ReportWriter(directory, config.runId(), build));
    }

    /**
     * The build this JVM belongs to when the report's configuration does not say: the Maven process that started it
     * (its process id and start time), else this JVM's run alone.
     */
    static String mavenBuild(String run) {
        return ProcessHandle.current()
                .parent()
                .filter(p -> p.info()
                        .commandLine()
                        .filter(c -> c.contains("org.codehaus.plexus.classworlds"))
                        .isPresent())
                .map(p -> "maven-" + p.pid() + "-"
                        + p.info().startInstant().map(Instant::toEpochMilli).orElse(0L))
                .orElse("run-" + run);
    }

    /** The directory the report goes to. */
    public Path directory() {
        return directory;
    }

    /** Writes this JVM's fragment and the build's merged report; a failure is logged, never thrown. */
    public void write() {
        try {
            ReportDocument merged = ReportFiles.write(directory, RunReport.fragment(run, build));
            if (!merged.bases().isEmpty() || !merged.keptBranches().isEmpty()) {
                LOG.info("Wrote the run report to {}", directory.resolve("report.md"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the run report to {}: {}", directory, e.toString());
        }
    }
}
