package io.github.lakebase.junit.internal.report;

import static io.github.lakebase.junit.internal.report.RunReportTests.RELEASE_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A base kept across runs is reviewed once, by the run that builds it: a later run that reuses it reports what that
 * review found, read from the report directory, instead of forking the base and its parent again on the way to its
 * first test.
 */
@Execution(ExecutionMode.SAME_THREAD) // both keep the same base, each on a data directory of its own
class KeptBaseReviewTests {

    /**
     * The report into {@code directory}, on a persistent data directory of its own under {@code target/}, where bases
     * are kept across runs. The server runs until the JVM exits, so the data directory cannot be a temporary
     * directory that JUnit deletes after the test.
     */
    private static Map<String, String> persistent(Path directory) throws IOException {
        Path data = Files.createDirectories(Path.of("target", "kept-base-reviews"))
                .toAbsolutePath()
                .resolve(directory.getFileName().toString());
        Files.createDirectories(data);
        // The server runs as another OS user when the build runs as root: it must reach its data directory.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> configuration = new HashMap<>(RunReportTests.configuration(directory));
        configuration.put(
                "lakebase.embedded.data-directory", data.resolve("pgdata").toString());
        return configuration;
    }

    @Test
    void aRunThatReusesAKeptBaseReportsTheReviewOfTheRunThatBuiltIt(@TempDir Path directory) throws IOException {
        Map<String, String> configuration = persistent(directory);
        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, configuration), 1);
        ReportDocument.Base built = latest(directory);
        Path review = directory.resolve("bases").resolve(built.name() + ".json");
        assertThat(review).as("the review of the base that run built").exists();
        String marked = built.schemaDiff() + "\nread from the review of the run that built the base\n";
        Files.writeString(review, Files.readString(review).replace(json(built.schemaDiff()), json(marked)));

        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, later(configuration)), 1);

        ReportDocument.Base reused = latest(directory);
        assertThat(reused.name()).isEqualTo(built.name());
        assertThat(reused.reused()).isTrue();
        assertThat(reused.schemaDiff()).isEqualTo(marked);
        assertThat(reused.migrations()).isEqualTo(built.migrations());
    }

    @Test
    void aBaseBuiltAgainIsReviewedAgain(@TempDir Path directory) throws IOException {
        Map<String, String> configuration = persistent(directory);
        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, configuration), 1);
        ReportDocument.Base built = latest(directory);
        Path review = directory.resolve("bases").resolve(built.name() + ".json");
        Files.writeString(review, Files.readString(review).replace(json(built.schemaDiff()), json("stale")));

        Fixtures.assertAllSucceeded(
                Fixtures.run(ReleaseOneTestCase.class, later(configuration, "lakebase.rebuild-bases", "true")), 1);

        ReportDocument.Base again = latest(directory);
        assertThat(again.reused()).isFalse();
        assertThat(again.schemaDiff()).isEqualTo(built.schemaDiff());
        assertThat(Files.readString(review)).doesNotContain(json("stale"));
    }

    /**
     * The same configuration as a later JVM would have it: the data directory spelt another way gets a service of its
     * own in this JVM, which finds the bases the first kept as a new JVM does.
     */
    private static Map<String, String> later(Map<String, String> configuration, String... more) {
        Map<String, String> later = new HashMap<>(configuration);
        later.put("lakebase.embedded.data-directory", configuration.get("lakebase.embedded.data-directory") + "/.");
        for (int i = 0; i < more.length; i += 2) {
            later.put(more[i], more[i + 1]);
        }
        return later;
    }

    /**
     * The kept base of release 1 that the last run reported: a report lists every base of its JVM, and only this
     * class keeps one of release 1.
     */
    private static ReportDocument.Base latest(Path directory) throws IOException {
        List<ReportDocument.Base> bases = ReportFiles.read(directory.resolve("report.json")).bases().stream()
                .filter(b ->
                        b.locations().equals(List.of(RELEASE_1)) && b.name().startsWith("lbj_base_"))
                .toList();
        assertThat(bases).isNotEmpty();
        return bases.get(bases.size() - 1);
    }

    /** {@code text} as a JSON string literal's content, as the review file holds it. */
    private static String json(String text) {
        String quoted = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(text)
                .toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    @LakebaseBranch(from = "reportstock", migrations = RELEASE_1)
    static class ReleaseOneTestCase {
        @Test
        void seesTheSplitCodes(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM stock WHERE location_code IS NOT NULL"))
                    .isPositive();
        }
    }
}
