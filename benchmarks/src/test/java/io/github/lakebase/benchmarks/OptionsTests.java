package io.github.lakebase.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTests {

    @Test
    void aFullRunRepeatsTheDecisiveCellsThreeTimesAndAQuickRunOnce() {
        assertThat(Options.parse().repeat()).isEqualTo(3);
        assertThat(Options.parse("--quick").repeat()).isEqualTo(1);
        assertThat(Options.parse("--quick", "--repeat", "3").repeat()).isEqualTo(3);
    }

    @Test
    void theParallelAndMemoryCellsHaveTheirDefaults() {
        Options options = Options.parse();

        assertThat(options.threads()).isEqualTo(4);
        assertThat(options.forks()).isEqualTo(2);
        assertThat(options.branches()).containsExactly(1, 8, 32);
        assertThat(options.only()).isEqualTo(EnumSet.allOf(Options.Group.class));
    }

    @Test
    void onlyNamesGroupsOfCells() {
        Options options = Options.parse("--only", "spring, Memory", "--branches", "2,4");

        assertThat(options.only()).containsExactlyInAnyOrder(Options.Group.SPRING, Options.Group.MEMORY);
        assertThat(options.runs(Options.Group.COST)).isFalse();
        assertThat(options.branches()).isEqualTo(List.of(2, 4));
    }

    @Test
    void anUnknownGroupSaysWhichOnesThereAre() {
        assertThatThrownBy(() -> Options.parse("--only", "costs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--only takes cost, startup, spring, parallel and memory, not 'costs'");
    }

    @Test
    void jvmOptionsGoToEveryCellsJvmInTheOrderGiven() {
        assertThat(Options.parse().jvmOptions()).isEmpty();
        assertThat(Options.parse("--jvm-option", "-XX:TieredStopAtLevel=1", "--jvm-option", "-Xss2m")
                        .jvmOptions())
                .containsExactly("-XX:TieredStopAtLevel=1", "-Xss2m");
    }
}
