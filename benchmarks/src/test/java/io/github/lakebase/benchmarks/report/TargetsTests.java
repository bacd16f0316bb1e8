package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.Results.cell;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTests {

    private static List<CellResult> spring(
            double lakebase, double rollback, double truncate, double zonky, double dirties, double h2) {
        List<CellResult> results = new ArrayList<>();
        results.add(Results.of(cell(Approach.SPRING_LAKEBASE, 0), 999, lakebase));
        results.add(Results.of(cell(Approach.SPRING_ROLLBACK, 0), 999, rollback));
        results.add(Results.of(cell(Approach.SPRING_TRUNCATE, 0), 999, truncate));
        results.add(Results.of(cell(Approach.SPRING_ZONKY, 0), 999, zonky));
        results.add(Results.of(cell(Approach.SPRING_DIRTIES_CONTEXT, 0), 999, dirties));
        results.add(Results.of(cell(Approach.SPRING_H2, 0), 999, h2));
        return results;
    }

    private static String line(Summary summary, String start) {
        return Targets.evaluate(summary).stream()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no target line starts with " + start));
    }

    @Test
    void theSpringTargetIsMetWhenTheBranchIsFasterThanTruncationZonkyAndDirtiesContext() {
        Summary summary = Results.summary(spring(40, 15, 60, 80, 1500, 10));

        assertThat(line(summary, "A Spring Boot JPA test")).contains("**met**: 40.0 ms against 60.0 ms");
        assertThat(line(summary, "Stretch"))
                .contains("**missed** against @Transactional rollback, one PostgreSQL database: ×2.67")
                .contains("**missed** against in-memory H2, @Transactional rollback: ×4.00");
    }

    @Test
    void theSpringTargetIsMissedWhenOneAlternativeIsFaster() {
        Summary summary = Results.summary(spring(40, 15, 35, 80, 1500, 10));

        assertThat(line(summary, "A Spring Boot JPA test")).contains("**missed**");
    }

    @Test
    void theSpringTargetIsGradedOnEveryTestAndSaysHowTheLaterHalfCompares() {
        List<CellResult> results = new ArrayList<>();
        results.add(Results.of(cell(Approach.SPRING_LAKEBASE, 0), 999, 50, 50, 50, 30, 30, 30));
        results.add(Results.of(cell(Approach.SPRING_TRUNCATE, 0), 999, 40, 40, 40, 35, 35, 35));
        results.add(Results.of(cell(Approach.SPRING_ZONKY, 0), 999, 80));
        results.add(Results.of(cell(Approach.SPRING_DIRTIES_CONTEXT, 0), 999, 1500));

        assertThat(line(Results.summary(results), "A Spring Boot JPA test"))
                .contains("**missed**: 40.0 ms against 37.5 ms (truncate every table")
                .contains("later half of each round's tests: 30.0 ms against 35.0 ms (truncate every table");
    }

    @Test
    void anAlternativeThatCouldNotRunLeavesTheSpringTargetNotFullyMeasured() {
        List<CellResult> results = spring(40, 15, 60, 80, 1500, 10);
        results.set(3, CellResult.failed(cell(Approach.SPRING_ZONKY, 0), "its JVM ended with exit code 1"));

        assertThat(line(Results.summary(results), "A Spring Boot JPA test"))
                .contains("**not fully measured**")
                .contains("not measured: zonky");
    }

    @Test
    void theWarmSpringStartIsComparedWithTheSameTestOnH2() {
        List<CellResult> results = spring(40, 15, 60, 80, 1500, 10);
        results.add(Results.startup(cell(Approach.SPRING_LAKEBASE, 0).withKind(Cell.Kind.WARM_START), 1500));

        // Results.of gives the H2 cell's first test 900 ms from the JVM's start
        assertThat(line(Results.summary(results), "A second JVM")).contains("**met**: 1,500 ms against 900 ms");
    }

    @Test
    void theStartUpIsGradedOnTheColdStartAndTheWarmStartAgainstTheirOwnLimits() {
        // Results.startup gives the time from the extension's first callback as half the time from the JVM's start
        Cell cold = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.COLD_START);
        Cell warm = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.WARM_START);

        assertThat(line(
                        Results.summary(List.of(Results.startup(cold, 2800), Results.startup(warm, 560))),
                        "Start-up on ext4"))
                .contains("within 1,500 ms of the extension starting")
                .contains("within 300 ms")
                .contains("**met**: cold start 1,400 ms, warm start 280 ms");
        assertThat(line(
                        Results.summary(List.of(Results.startup(cold, 3200), Results.startup(warm, 560))),
                        "Start-up on ext4"))
                .contains("**missed**: cold start 1,600 ms (over), warm start 280 ms");
        assertThat(line(
                        Results.summary(List.of(Results.startup(cold, 2800), Results.startup(warm, 740))),
                        "Start-up on ext4"))
                .contains("**missed**: cold start 1,400 ms, warm start 370 ms (over)");
        assertThat(line(Results.summary(List.of(Results.startup(warm, 560))), "Start-up on ext4"))
                .contains("**not fully measured**: cold start not measured, warm start 280 ms");
    }

    @Test
    void repeatedStartsAreGradedOnTheirMedianAndReportTheirRange() {
        Cell cold = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.COLD_START);
        Cell warm = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.WARM_START);

        assertThat(line(
                        Results.summary(List.of(
                                Results.startup(cold, 2800),
                                Results.startup(cold.withRound(2), 3400),
                                Results.startup(cold.withRound(3), 2900),
                                Results.startup(warm, 500),
                                Results.startup(warm.withRound(2), 900),
                                Results.startup(warm.withRound(3), 560))),
                        "Start-up on ext4"))
                .contains("**met**: cold start 1,450 ms (median of 3: 1,400-1,700 ms), warm start 280 ms "
                        + "(median of 3: 250-450 ms)");
    }

    @Test
    void theWarmSpringStartIsGradedOnTheMediansOfItsSamplesAndOfH2s() {
        List<CellResult> results = spring(40, 15, 60, 80, 1500, 10);
        Cell warm = cell(Approach.SPRING_LAKEBASE, 0).withKind(Cell.Kind.WARM_START);
        results.add(Results.startup(warm, 800));
        results.add(Results.startup(warm.withRound(2), 2500));
        results.add(Results.startup(warm.withRound(3), 850));

        // Results.of gives the H2 cell's first test 900 ms from the JVM's start
        assertThat(line(Results.summary(results), "A second JVM"))
                .contains("**met**: 850 ms (median of 3: 800-2,500 ms) against 900 ms");
    }

    @Test
    void aStartThatJoinsAServerLeftRunningIsReportedBesideTheWarmStartWhichIsGraded() {
        Cell cold = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.COLD_START);
        Cell warm = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.WARM_START);
        Cell joined = cell(Approach.LAKEBASE, 0).withKind(Cell.Kind.JOINED_START);

        assertThat(line(
                        Results.summary(List.of(
                                Results.startup(cold, 2800), Results.startup(warm, 740), Results.startup(joined, 500))),
                        "Start-up on ext4"))
                .contains("**missed**: cold start 1,400 ms, warm start 370 ms (over); a run that joins the server an "
                        + "earlier run left running (`lakebase.embedded.linger`): 250 ms.");
    }

    @Test
    void aSpringStartThatJoinsAServerLeftRunningIsReportedBesideTheWarmStart() {
        List<CellResult> results = new ArrayList<>(List.of(
                Results.of(cell(Approach.SPRING_H2, 0), 999, 5, 6),
                Results.startup(cell(Approach.SPRING_LAKEBASE, 0).withKind(Cell.Kind.WARM_START), 1500),
                Results.startup(cell(Approach.SPRING_LAKEBASE, 0).withKind(Cell.Kind.JOINED_START), 1200)));

        assertThat(line(Results.summary(results), "A second JVM"))
                .contains("**met**: 1,500 ms against 900 ms")
                .contains("joining the server an earlier run left running (`lakebase.embedded.linger`): 1,200 ms");
    }

    @Test
    void aColdStartSaysHowMuchOfItTheMigrationTookAndIsStillGradedOnTheWhole() {
        Cell cold = cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.COLD_START);
        Cell warm = cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START);

        assertThat(line(
                        Results.summary(List.of(Results.startup(cold, 3200, 900), Results.startup(warm, 560))),
                        "Start-up on ext4"))
                .contains("**missed**: cold start 1,600 ms (over) (of it, 900 ms the migration's own statements, which "
                        + "fill 100 MB; the rest 700 ms), warm start 280 ms");
    }

    @Test
    void theStrategyTheLibraryForksWithMustCostNoMoreThanTheDefaultOneInEveryCell() {
        List<CellResult> results = new ArrayList<>(List.of(
                Results.of(cell(Approach.RAW, 10), 999, 40),
                Results.of(cell(Approach.RAW_WAL_LOG, 10), 999, 60),
                Results.of(cell(Approach.RAW, 100), 999, 90),
                Results.of(cell(Approach.RAW_WAL_LOG, 100), 999, 270)));
        assertThat(line(Results.summary(results), "On every filesystem and at every size"))
                .contains("**met** in 2 cells")
                .contains("WAL_LOG costs ×1.50 to ×3.00 as much");

        results.set(3, Results.of(cell(Approach.RAW_WAL_LOG, 100), 999, 80));
        assertThat(line(Results.summary(results), "On every filesystem and at every size"))
                .contains("**missed** in 1 of 2 cells")
                .contains("ext4 100 MB: 90.0 ms against 80.0 ms with WAL_LOG");
    }

    @Test
    void everyCellIsWonOnlyWhenTheDefaultBeatsEachAlternativeAndStaysNearTheRawLimit() {
        List<CellResult> won = List.of(
                Results.of(cell(Approach.RAW, 10), 999, 40),
                Results.of(cell(Approach.LAKEBASE, 10).withPrefetch(2), 999, 42),
                Results.of(cell(Approach.FLYWAY, 10), 999, 150),
                Results.of(cell(Approach.ZONKY, 10), 999, 50),
                Results.of(cell(Approach.CLUSTER_PER_CLASS, 10), 999, 900));
        assertThat(line(Results.summary(won), "In every cell")).contains("**met** in 1 cells");

        List<CellResult> lost = new ArrayList<>(won);
        lost.set(1, Results.of(cell(Approach.LAKEBASE, 10).withPrefetch(2), 999, 60));
        assertThat(line(Results.summary(lost), "In every cell"))
                .contains("**missed** (2 of 4 comparisons lost)")
                .contains("×1.50 the raw limit")
                .contains("60.0 ms against 50.0 ms of zonky");
    }

    @Test
    void theWaitIsGradedOnItsMedianAndP90InEveryCell() {
        Cell slow = cell(Approach.LAKEBASE, 10).withPrefetch(2).withWork(100);
        Summary summary = Results.summary(List.of(waits(slow, 4, 4, 4, 4, 4, 4, 4, 4, 12, 12)));

        assertThat(line(summary, "With prefetching"))
                .contains("**missed** in 1 of 1 cells")
                .contains("4.0 / 12.0 ms (over)");
    }

    @Test
    void thirtyTwoLiveBranchesMustTakeLessThanAGibibyte() {
        Cell cell = cell(Approach.MEMORY, 1).withKind(Cell.Kind.MEMORY).withBranches(List.of(32));

        assertThat(line(
                        Results.summary(List.of(Results.memory(cell, Map.of("memory.32.server-pss-mb", 700.0)))),
                        "With 32 live branches"))
                .contains("**met**: 700 MB");
        assertThat(line(
                        Results.summary(List.of(Results.memory(cell, Map.of("memory.32.server-pss-mb", 1100.0)))),
                        "With 32 live branches"))
                .contains("**missed**: 1,100 MB");
    }

    @Test
    void inParallelABranchMustOutrunZonkyWhoseFailingTestsDoNotCount() {
        Cell threads =
                cell(Approach.LAKEBASE, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);
        Cell zonky = cell(Approach.ZONKY, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);

        assertThat(line(
                        Results.summary(List.of(
                                Results.measuredBetween(threads, 0, 1000, 999, 10, 10),
                                Results.measuredBetween(zonky, 0, 500, 999, 10, 10))),
                        "With tests in parallel"))
                .contains("**missed**: 4 threads: 2.0 tests/s against zonky's 4.0 tests/s");
        assertThat(line(
                        Results.summary(List.of(
                                Results.measuredBetween(threads, 0, 1000, 999, 10, 10),
                                Results.failing(zonky, "not fresh"))),
                        "With tests in parallel"))
                .contains("**met**")
                .contains("whose tests were not isolated");
    }

    /** A slow-test cell whose tests wait {@code waits} ms each for their branch (after one warm-up). */
    private static CellResult waits(Cell cell, double... waits) {
        List<io.github.lakebase.benchmarks.harness.Sample> tests = new ArrayList<>();
        tests.add(new io.github.lakebase.benchmarks.harness.Sample(
                0, 200_000_000, 100_000_000, 200_000_000, 100_000_000, null));
        for (double w : waits) {
            long wait = (long) (w * 1e6);
            tests.add(new io.github.lakebase.benchmarks.harness.Sample(
                    0, wait + 100_000_000, wait, wait + 100_000_000, 100_000_000, null));
        }
        return new CellResult(cell, tests, 1, List.of(), 0, "", 1, 1, 0, 0, Map.of(), null, null, 1);
    }
}
