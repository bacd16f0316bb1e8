package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.Results.cell;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTests {

    @Test
    void theRoundsOfACellMakeOneRowWithTheSpreadOfTheirMedians() {
        Cell cell = cell(Approach.LAKEBASE, 10);
        Summary summary = Results.summary(List.of(
                Results.of(cell, 999, 10, 12, 14),
                Results.of(cell(Approach.RAW, 10), 999, 5, 5, 5),
                Results.of(cell.withRound(2), 999, 20, 22, 24),
                Results.of(cell.withRound(3), 999, 30, 32, 34)));

        Row row = summary.rows().stream()
                .filter(r -> r.approach().equals("LAKEBASE"))
                .findFirst()
                .orElseThrow();
        assertThat(summary.rows()).hasSize(2);
        assertThat(row.cost().count()).isEqualTo(9); // the three warm-ups left out
        assertThat(row.cost().median()).isEqualTo(22);
        assertThat(row.spread()).isEqualTo(new Spread(3, 12, 22, 32));
        assertThat(row.ratioToRaw()).isEqualTo(22.0 / 5);
    }

    @Test
    void theLaterHalfOfEachRoundsTestsIsSummarisedApart() {
        Cell cell = cell(Approach.SPRING_LAKEBASE, 0);
        Summary summary = Results.summary(
                List.of(Results.of(cell, 999, 30, 20, 12, 10), Results.of(cell.withRound(2), 999, 40, 30, 14, 16)));

        Row row = summary.rows().get(0);
        assertThat(row.cost().count()).isEqualTo(8);
        assertThat(row.later().count()).isEqualTo(4); // 12, 10 and 14, 16: the warm-ups left out, then halved
        assertThat(row.later().median()).isEqualTo(13);
    }

    @Test
    void aCellOfOneRoundHasNoSpread() {
        Summary summary = Results.summary(List.of(Results.of(cell(Approach.LAKEBASE, 10), 999, 10, 12)));

        assertThat(summary.rows().get(0).spread()).isNull();
    }

    @Test
    void throughputCountsThePassedTestsOverTheMeasuredSpan() {
        Cell cell = cell(Approach.LAKEBASE, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);
        Summary summary = Results.summary(List.of(Results.measuredBetween(cell, 10_000, 12_000, 999, 50, 50, 50, 50)));

        Row row = summary.rows().get(0);
        assertThat(row.testsPerSecond()).isEqualTo(2.0); // 4 tests in 2 s
        assertThat(row.costPerTest()).isFalse();
        assertThat(row.label()).isEqualTo("@LakebaseBranch, 4 threads");
    }

    @Test
    void theSpringTestOnH2IsTheReferenceOfTheStartups() {
        Summary summary = Results.summary(List.of(
                Results.of(cell(Approach.SPRING_H2, 0), 999, 5, 6),
                Results.startup(cell(Approach.SPRING_LAKEBASE, 0).withKind(Cell.Kind.WARM_START), 3000)));

        assertThat(summary.startup())
                .extracting(StartupRow::approach, StartupRow::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SPRING_LAKEBASE", "WARM_START"),
                        org.assertj.core.groups.Tuple.tuple("SPRING_H2", "REFERENCE"));
        assertThat(summary.rows().get(0).spring()).isTrue();
        assertThat(summary.rows().get(0).costPerTest()).isFalse();
    }

    @Test
    void everyRoundsSpringCellWithTheLibraryIsAColdStartOfASpringTest() {
        Summary summary = Results.summary(List.of(
                Results.of(cell(Approach.SPRING_LAKEBASE, 0), 999, 5, 6),
                Results.of(cell(Approach.SPRING_LAKEBASE, 0).withRound(2), 999, 5, 6)));

        assertThat(summary.startup())
                .extracting(StartupRow::kind, StartupRow::jvmToFirstTestMillis, StartupRow::samples)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("COLD_START", 900.0, 2));
    }

    @Test
    void theSamplesOfAStartMakeOneRowWithTheirMedianAndRange() {
        Cell warm = cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START);
        Summary summary = Results.summary(List.of(
                Results.startup(warm, 1000),
                Results.startup(warm.withRound(2), 1600),
                Results.startup(warm.withRound(3), 1200),
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.COLD_START), 3000)));

        StartupRow row = summary.startup().stream()
                .filter(s -> s.kind().equals("WARM_START"))
                .findFirst()
                .orElseThrow();
        assertThat(summary.startup()).hasSize(2);
        assertThat(row.samples()).isEqualTo(3);
        assertThat(row.jvmToFirstTest()).isEqualTo(new Spread(3, 1000, 1200, 1600));
        assertThat(row.firstTest()).isEqualTo(new Spread(3, 500, 600, 800)); // Results.startup: half the JVM's time
        assertThat(row.firstTestMillis()).isEqualTo(600);
    }

    @Test
    void aStartWhoseSamplesAllFailedHasNoNumbersButItsNote() {
        Cell warm = cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START);
        Summary summary = Results.summary(List.of(Results.startup(warm, Double.NaN)));

        assertThat(summary.startup().get(0).samples()).isZero();
        assertThat(summary.startup().get(0).firstTestMillis()).isNaN();
    }

    @Test
    void theStartUpRowsOfAnApproachComeInTheOrderARunMakesThem() {
        Summary summary = Results.summary(List.of(
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.JOINED_START), 500),
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START), 900),
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.COLD_START), 3000)));

        assertThat(summary.startup())
                .extracting(StartupRow::kind)
                .containsExactly("COLD_START", "WARM_START", "JOINED_START");
    }

    @Test
    void aStartUpRowCarriesHowLongItsJvmsMigrationTookAndNothingWhereNoneRan() {
        Summary summary = Results.summary(List.of(
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.COLD_START), 3000, 2100),
                Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START), 900)));

        assertThat(summary.startup())
                .extracting(StartupRow::kind, StartupRow::migrationMillis)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("COLD_START", 2100.0),
                        org.assertj.core.groups.Tuple.tuple("WARM_START", Double.NaN));
    }

    @Test
    void aMemoryCellGivesARowPerNumberOfLiveBranches() {
        Cell cell = cell(Approach.MEMORY, 1).withKind(Cell.Kind.MEMORY).withBranches(List.of(1, 32));
        Summary summary = Results.summary(List.of(Results.memory(
                cell,
                Map.of(
                        "memory.1.server-pss-mb", 150.0,
                        "memory.1.connections", 8.0,
                        "memory.32.server-pss-mb", 700.0,
                        "memory.32.connections", 256.0,
                        "memory.32.server-processes", 265.0,
                        "memory.32.heap-mb", 40.0))));

        assertThat(summary.memory())
                .extracting(MemoryRow::branches, MemoryRow::connections, MemoryRow::serverPssMb)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 8, 150.0),
                        org.assertj.core.groups.Tuple.tuple(32, 256, 700.0));
    }

    @Test
    void anAlternativeThatIsNotIsolatedInParallelIsAFindingAndTheLibraryFailing() {
        String notIsolated = "java.lang.AssertionError: Expected a fresh database with 100 items, found 0: "
                + io.github.lakebase.benchmarks.harness.Workload.NOT_ISOLATED;
        Cell zonky = cell(Approach.ZONKY, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);
        Cell lakebase =
                cell(Approach.LAKEBASE, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);

        assertThat(Results.summary(List.of(Results.failing(zonky, notIsolated)))
                        .rows()
                        .get(0)
                        .note())
                .isEqualTo("not isolated: 1 of 2 tests found a database another test had changed");
        assertThat(Results.summary(List.of(Results.failing(lakebase, notIsolated)))
                        .rows()
                        .get(0)
                        .note())
                .startsWith("failed: ");
    }

    @Test
    void anAlternativeWhoseClassFailsInParallelOnADatabaseAnotherTestChangedIsAFindingToo() {
        String notIsolated = "java.lang.AssertionError: Expected a fresh database with 100 items, found 0: "
                + io.github.lakebase.benchmarks.harness.Workload.NOT_ISOLATED;
        Cell zonky = cell(Approach.ZONKY, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);
        Cell lakebase =
                cell(Approach.LAKEBASE, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);

        assertThat(Results.summary(List.of(CellResult.failed(zonky, notIsolated)))
                        .rows()
                        .get(0)
                        .note())
                .startsWith("not isolated: ");
        assertThat(Results.summary(List.of(CellResult.failed(lakebase, notIsolated)))
                        .rows()
                        .get(0)
                        .note())
                .startsWith("failed: ");
    }

    @Test
    void anAlternativeWhoseTestFindsItsDatabaseDroppedByAnotherInParallelIsAFindingToo() {
        String dropped = "org.postgresql.util.PSQLException: FATAL: database \"gfibtrjmeqfu\" does not exist\n"
                + "  Detail: It seems to have just been dropped or renamed.";
        String notIsolated = "java.lang.AssertionError: Expected a fresh database with 100 items, found 0: "
                + io.github.lakebase.benchmarks.harness.Workload.NOT_ISOLATED;
        Cell zonky = cell(Approach.ZONKY, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);
        Cell lakebase =
                cell(Approach.LAKEBASE, 10).withKind(Cell.Kind.THROUGHPUT).inParallel(4, 1);

        assertThat(Results.summary(List.of(Results.failing(zonky, notIsolated, dropped)))
                        .rows()
                        .get(0)
                        .note())
                .isEqualTo("not isolated: 2 of 3 tests found a database another test had changed");
        assertThat(Results.summary(List.of(Results.failing(lakebase, dropped)))
                        .rows()
                        .get(0)
                        .note())
                .startsWith("failed: ");
    }

    @Test
    void aCellWhoseJvmGaveNoResultFails() {
        Summary summary =
                Results.summary(List.of(CellResult.failed(cell(Approach.SPRING_ZONKY, 0), "its JVM ended with 1")));

        assertThat(summary.rows().get(0).note()).isEqualTo("failed: its JVM ended with 1");
    }
}
