package io.github.lakebase.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellMain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellRunnerTests {

    @Test
    void aCellsJvmGetsTheRunsJvmOptionsBeforeItsMainClass() {
        Cell cell = Cell.perTest(Approach.SPRING_LAKEBASE, "ext4", "/tmp/cell-1", 0, 300, 5, 45);

        List<String> command = CellRunner.command(
                cell, List.of("-XX:TieredStopAtLevel=1"), Path.of("c.properties"), Path.of("c.json"), 0);

        int option = command.indexOf("-XX:TieredStopAtLevel=1");
        assertThat(option).isPositive();
        assertThat(option).isLessThan(command.indexOf(CellMain.class.getName()));
        assertThat(command).endsWith(CellMain.class.getName(), "c.properties", "c.json", "0");
    }
}
