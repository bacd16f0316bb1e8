package io.github.lakebase.junit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body of the pull-request comment that {@code docs/examples/github/lakebase-report.yml} posts: the report a
 * real run wrote, which starts with the marker the job finds its earlier comment by, and fits in a comment.
 */
class PullRequestCommentTests {

    /** GitHub's limit for the body of a comment. */
    private static final int GITHUB_LIMIT = 65_536;

    @Test
    void theReportOfARunIsTheCommentBody(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(
                Fixtures.run(RunReportTests.LayeredTestCase.class, RunReportTests.configuration(directory)), 1);

        String body = Files.readString(directory.resolve("report.md"));

        assertThat(body)
                .startsWith(ReportMarkdown.MARKER + "\n## Migration report\n")
                .contains("| 2 stock per location | `V2__stock_per_location.sql` |")
                .contains("| added | view | `public.stock_per_location` |");
        assertThat(body.length()).isLessThan(GITHUB_LIMIT);
    }

    @Test
    void aReportTooLongForACommentLeavesTheLastSchemaDiffsToTheJsonFile(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(
                Fixtures.run(RunReportTests.LayeredTestCase.class, RunReportTests.configuration(directory)), 1);
        ReportDocument.Base base = RunReportTests.base(
                ReportFiles.read(directory.resolve("report.json")),
                List.of(RunReportTests.RELEASE_1, RunReportTests.RELEASE_2));
        List<ReportDocument.Base> many = IntStream.range(0, 80)
                .mapToObj(i -> new ReportDocument.Base(
                        base.run(),
                        base.name() + "_" + i,
                        base.parent(),
                        List.of("classpath:release" + i),
                        false,
                        base.buildMillis(),
                        base.migrations(),
                        base.schemaDiff(),
                        null))
                .toList();

        String body = ReportMarkdown.render(new ReportDocument(1, "build", List.of("run"), many, List.of()));

        assertThat(body.length()).isLessThanOrEqualTo(ReportMarkdown.LIMIT);
        assertThat(body)
                .as("every base is listed with its migrations")
                .contains("### `reportstock` + `classpath:release0`")
                .contains("### `reportstock` + `classpath:release79`")
                .contains("_The schema diff is left out");
        assertThat(body.substring(0, body.indexOf("`classpath:release1`")))
                .as("the first bases keep their diffs")
                .contains("### Schema diff");
    }

    @Test
    void aReportFarTooLongForACommentLeavesTheLastBasesToTheJsonFile() {
        ReportDocument.Base base = new ReportDocument.Base(
                "run", "lbj_run_base", "staging", List.of("classpath:db/migration"), false, 12, List.of(), "x", null);
        List<ReportDocument.Base> many = IntStream.range(0, 2_000)
                .mapToObj(i -> new ReportDocument.Base(
                        base.run(),
                        base.name(),
                        base.parent(),
                        List.of("classpath:release" + i),
                        false,
                        base.buildMillis(),
                        base.migrations(),
                        base.schemaDiff(),
                        null))
                .toList();

        String body = ReportMarkdown.render(new ReportDocument(1, "build", List.of("run"), many, List.of()));

        assertThat(body.length()).isLessThanOrEqualTo(ReportMarkdown.LIMIT + 200);
        assertThat(body).contains("`classpath:release0`").containsPattern("_\\d+ more bases are left out");
    }

    @Test
    void aBaseWithoutMigrationsIsHeadedByItsParentAlone() {
        ReportDocument.Base base =
                new ReportDocument.Base("run", "lbj_run_base", "template1", List.of(), false, 12, List.of(), "", null);

        String body = ReportMarkdown.render(new ReportDocument(1, "build", List.of("run"), List.of(base), List.of()));

        assertThat(body)
                .contains("\n### `template1`, without migrations\n")
                .doesNotContain(" + \n")
                .contains("No migration beyond `template1`.");
    }
}
