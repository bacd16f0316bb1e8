package io.github.lakebase.junit.internal.report;

import static io.github.lakebase.junit.internal.report.RunReportTests.RELEASE_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base kept across runs is reviewed once, by the run that builds it: a later run that reuses it reports what that
 * review found, read from the report directory, instead of forking the base and its parent again on the way to its
 * first test.
 */
class KeptBaseReviewTests {

    @Test
    void aRunThatReusesAKeptBaseReportsTheReviewOfTheRunThatBuiltIt(@TempDir Path directory) throws IOException {
        Map<String, String> configuration = RunReportTests.configuration(directory);
        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, configuration), 1);
        ReportDocument.Base built =
                RunReportTests.base(ReportFiles.read(directory.resolve("report.json")), List.of(RELEASE_1));
        Path review = directory.resolve("bases").resolve(built.name() + ".json");
        assertThat(review).as("the review of the base that run built").exists();
        String marked = built.schemaDiff() + "\nread from the review of the run that built the base\n";
        Files.writeString(review, Files.readString(review).replace(json(built.schemaDiff()), json(marked)));

        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, configuration), 1);

        ReportDocument.Base reused =
                RunReportTests.base(ReportFiles.read(directory.resolve("report.json")), List.of(RELEASE_1));
        assertThat(reused.name()).isEqualTo(built.name());
        assertThat(reused.reused()).isTrue();
        assertThat(reused.schemaDiff()).isEqualTo(marked);
        assertThat(reused.migrations()).isEqualTo(built.migrations());
    }

    @Test
    void aBaseBuiltAgainIsReviewedAgain(@TempDir Path directory) throws IOException {
        Map<String, String> configuration = RunReportTests.configuration(directory);
        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, configuration), 1);
        ReportDocument.Base built =
                RunReportTests.base(ReportFiles.read(directory.resolve("report.json")), List.of(RELEASE_1));
        Path review = directory.resolve("bases").resolve(built.name() + ".json");
        Files.writeString(review, Files.readString(review).replace(json(built.schemaDiff()), json("stale")));

        Map<String, String> rebuild = new HashMap<>(configuration);
        rebuild.put("lakebase.rebuild-bases", "true");
        Fixtures.assertAllSucceeded(Fixtures.run(ReleaseOneTestCase.class, rebuild), 1);

        ReportDocument.Base again =
                RunReportTests.base(ReportFiles.read(directory.resolve("report.json")), List.of(RELEASE_1));
        assertThat(again.reused()).isFalse();
        assertThat(again.schemaDiff()).isEqualTo(built.schemaDiff());
        assertThat(Files.readString(review)).doesNotContain(json("stale"));
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
