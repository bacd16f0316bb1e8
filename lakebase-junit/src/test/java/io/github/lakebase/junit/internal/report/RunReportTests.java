package io.github.lakebase.junit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Every run writes a report of its bases without code in the tests: the migrations each base has beyond its
 * parent with their durations on the parent's data, the schema diff from the parent, and the branches failed tests
 * kept, as {@code report.md} and {@code report.json}.
 */
class RunReportTests {

    static final String RELEASE_1 = "classpath:report/release1";
    static final String RELEASE_2 = "classpath:report/release2";

    /** A parent with data, and the report into {@code directory}. */
    static Map<String, String> configuration(Path directory) {
        return Map.of(
                "lakebase.parents", "reportstock",
                "lakebase.parent.reportstock.scripts", "classpath:report/stock-parent.sql",
                "lakebase.report.enabled", "true",
                "lakebase.report.directory", directory.toString(),
                "lakebase.report.build-id", "report-tests");
    }

    @Test
    void aRunReportsEachMigrationBeyondTheParentWithItsDurationAndTheSchemaDiff(@TempDir Path directory)
            throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(LayeredTestCase.class, configuration(directory)), 1);

        ReportDocument report = ReportFiles.read(directory.resolve("report.json"));
        assertThat(report.version()).isEqualTo(1);
        assertThat(report.build()).isEqualTo("report-tests");
        ReportDocument.Base base = base(report, List.of(RELEASE_1, RELEASE_2));
        assertThat(base.parent()).isEqualTo("reportstock");
        assertThat(base.reused()).isFalse();
        assertThat(base.migrations())
                .as("counted from the parent, although the base was forked from the base of release 1")
                .extracting(ReportDocument.Migration::script)
                .containsExactly("V1__split_stock_code.sql", "V2__stock_per_location.sql");
        assertThat(base.migrations().get(0).durationMillis())
                .as("splitting 20,000 rows takes time")
                .isPositive();
        assertThat(base.schemaDiff())
                .contains("### Schema diff: `reportstock` → `reportstock + " + RELEASE_1 + ", " + RELEASE_2 + "`")
                .contains("| added | column | `public.stock.location_code` | `text` |")
                .contains("| added | view | `public.stock_per_location` |")
                .doesNotContain("flyway_schema_history");
        assertThat(Files.readString(directory.resolve("report.md")))
                .startsWith(ReportMarkdown.MARKER)
                .contains("### `reportstock` + `" + RELEASE_1 + "`, `" + RELEASE_2 + "`")
                .contains("| 1 split stock code | `V1__split_stock_code.sql` |")
                .contains(base.schemaDiff().strip());
    }

    @Test
    void theSectionOfABaseReadsAsTheGoldenFileSays(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(LayeredTestCase.class, configuration(directory)), 1);

        ReportDocument.Base base =
                base(ReportFiles.read(directory.resolve("report.json")), List.of(RELEASE_1, RELEASE_2));
        String markdown =
                ReportMarkdown.render(new ReportDocument(1, "build", List.of("run"), List.of(masked(base)), List.of()));

        assertThat(markdown.replaceAll("\\d[\\d,]* ms", "N ms"))
                .isEqualTo(Files.readString(Path.of("src/test/resources/report/layered-base.golden.md")));
    }

    @Test
    void aBranchKeptByAFailedTestIsListedWithHowToReachIt(@TempDir Path directory) throws Exception {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration(directory))
                .selectors(selectClass(FailingTestCase.class))
                .execute();
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));

        ReportDocument.Kept kept = ReportFiles.read(directory.resolve("report.json")).keptBranches().stream()
                .filter(k -> k.owner().equals(FailingTestCase.class.getName() + ".failsAndKeepsItsBranch()"))
                .findFirst()
                .orElseThrow();
        try {
            assertThat(kept.parent()).isEqualTo("reportstock");
            assertThat(kept.jdbcUrl()).startsWith("jdbc:postgresql://").endsWith("/" + kept.name());
            assertThat(java.time.Instant.parse(kept.expiresAt()))
                    .as("a failed test's branch expires after lakebase.kept-ttl, 7 days by default")
                    .isBetween(
                            java.time.Instant.now().plus(java.time.Duration.ofDays(6)),
                            java.time.Instant.now().plus(java.time.Duration.ofDays(7)));
            assertThat(Files.readString(directory.resolve("report.md")))
                    .contains("### Kept branches")
                    // A command that works in a project that does not declare the plugin, as the quick start's.
                    .contains("`mvn io.github.lakebase:lakebase-maven-plugin")
                    .doesNotContain("`mvn lakebase:connect -D")
                    .contains("| `" + kept.name() + "` | `" + kept.owner() + "` | `reportstock` | `" + kept.jdbcUrl()
                            + "` | `" + kept.username() + "` |");
            ReportDocument.Kept masked = new ReportDocument.Kept(
                    "run",
                    "lbj_run_1_fails_and_keeps_its_branch",
                    kept.owner(),
                    kept.parent(),
                    "jdbc:postgresql://127.0.0.1:5432/lbj_run_1_fails_and_keeps_its_branch",
                    kept.username(),
                    "2026-12-07T12:00:00Z");
            assertThat(ReportMarkdown.render(
                            new ReportDocument(1, "build", List.of("run"), List.of(), List.of(masked))))
                    .isEqualTo(Files.readString(Path.of("src/test/resources/report/kept-branch.golden.md")));
        } finally {
            dropKept(kept);
        }
    }

    static ReportDocument.Base base(ReportDocument report, List<String> locations) {
        return report.bases().stream()
                .filter(b -> b.locations().equals(locations))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no base of " + locations + " in " + report.bases()));
    }

    /** The base as the golden file has it: names of this run and durations masked. */
    private static ReportDocument.Base masked(ReportDocument.Base base) {
        return new ReportDocument.Base(
                "run",
                "lbj_run_base",
                base.parent(),
                base.locations(),
                base.reused(),
                0,
                base.migrations().stream()
                        .map(m -> new ReportDocument.Migration(
                                m.version(), m.description(), m.script(), 0, null, m.changeSet()))
                        .toList(),
                base.schemaDiff(),
                base.problem(),
                base.idempotency());
    }

    private static void dropKept(ReportDocument.Kept kept) throws Exception {
        String url = kept.jdbcUrl();
        String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(admin, kept.username(), KeptPassword.last);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + kept.name() + "\" WITH (FORCE)");
        }
    }

    /** The password of the last failing fixture's branch: the report never holds one. */
    static final class KeptPassword {
        static volatile String last;
    }

    @LakebaseBranch(
            from = "reportstock",
            migrations = {RELEASE_1, RELEASE_2})
    static class LayeredTestCase {
        @Test
        void seesTheSplitCodes(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM stock_per_location"))
                    .isEqualTo(250);
        }
    }

    @LakebaseBranch(from = "reportstock", migrations = RELEASE_1, cleanup = CleanupMode.ON_SUCCESS)
    static class FailingTestCase {
        @Test
        void failsAndKeepsItsBranch(Branch branch) {
            KeptPassword.last = branch.password();
            assertThat(branch.name()).isEmpty();
        }
    }
}
