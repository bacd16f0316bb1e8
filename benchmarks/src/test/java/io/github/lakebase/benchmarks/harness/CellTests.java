package io.github.lakebase.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A cell reaches the JVM that measures it as properties, and reads back as the cell it was. */
class CellTests {

    @Test
    void aCellReadsBackFromItsProperties() {
        Cell memory = Cell.perTest(Approach.LAKEBASE, "xfs", "/mnt/xfs/cell-3", 100, 20, 5, 45)
                .withPrefetch(2)
                .withWork(150)
                .withRound(3)
                .inParallel(4, 2)
                .withBranches(List.of(1, 8, 32))
                .withKind(Cell.Kind.MEMORY);
        Cell warmStart = Cell.perTest(Approach.SPRING_LAKEBASE, "ext4", "/tmp/warm", 0, 2, 2, 3600)
                .withKind(Cell.Kind.WARM_START);

        assertThat(Cell.fromProperties(memory.toProperties())).isEqualTo(memory);
        assertThat(Cell.fromProperties(warmStart.toProperties())).isEqualTo(warmStart);
    }

    @Test
    void aWarmStartLeavesItsServerRunningForTheStartThatJoinsIt() {
        Cell cold = Cell.perTest(Approach.LAKEBASE, "ext4", "/tmp/start", 100, 2, 2, 45)
                .withKind(Cell.Kind.COLD_START);

        assertThat(cold.systemProperties()).doesNotContainKey("lakebase.embedded.linger");
        assertThat(cold.withKind(Cell.Kind.WARM_START).systemProperties())
                .containsEntry("lakebase.embedded.linger", Cell.LINGER_SECONDS + "s");
        assertThat(cold.withKind(Cell.Kind.JOINED_START).systemProperties())
                .containsEntry("lakebase.embedded.linger", Cell.LINGER_SECONDS + "s");
    }

    @Test
    void aCellWithOtherTestsKeepsItsMinimumAndEverythingElse() {
        Cell cell = Cell.perTest(Approach.LAKEBASE, "ext4", "/tmp/c", 10, 20, 5, 45)
                .withPrefetch(2)
                .withRound(3);

        Cell slow = cell.withTests(10, 90);
        assertThat(slow.tests()).isEqualTo(10);
        assertThat(slow.budgetSeconds()).isEqualTo(90);
        assertThat(slow.minimumTests()).isEqualTo(5);
        assertThat(slow.prefetch()).isEqualTo(2);
        assertThat(slow.round()).isEqualTo(3);
        assertThat(cell.withTests(2, 45).tests()).isEqualTo(5);
    }

    @Test
    void propertiesWithoutAKeySayWhichIsMissing() {
        Properties p =
                Cell.perTest(Approach.LAKEBASE, "ext4", "/tmp/c", 10, 5, 5, 45).toProperties();
        p.remove("directory");

        assertThatThrownBy(() -> Cell.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The cell has no directory");
    }
}
