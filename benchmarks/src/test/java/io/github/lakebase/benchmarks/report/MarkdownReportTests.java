package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.Results.cell;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTests {

    @Test
    void aRepeatedStartShowsItsMedianAndTheRangeOfItsSamples() {
        Cell warm = cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START);
        String md = MarkdownReport.render(
                Results.summary(List.of(
                        Results.startup(warm, 1000),
                        Results.startup(warm.withRound(2), 1600),
                        Results.startup(warm.withRound(3), 1200),
                        Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.COLD_START), 3000))),
                "chart.png");

        assertThat(md)
                .contains("| ext4 | @LakebaseBranch | warm | 100 MB | 600 ms (500-800) | – | 1,200 ms (1,000-1,600) |")
                .contains("| ext4 | @LakebaseBranch | cold | 100 MB | 1,500 ms (1 JVM) | – | 3,000 ms (1 JVM) |")
                .contains("the median of 3 JVMs");
    }

    @Test
    void whereEveryStartRanOnceTheTableShowsOneNumberEach() {
        String md = MarkdownReport.render(
                Results.summary(
                        List.of(Results.startup(cell(Approach.LAKEBASE, 100).withKind(Cell.Kind.WARM_START), 1000))),
                "chart.png");

        assertThat(md)
                .contains("| ext4 | @LakebaseBranch | warm | 100 MB | 500 ms | – | 1,000 ms |")
                .contains("Each start ran once");
    }
}
