package io.github.lakebase.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code benchmarks/start-sequence.sh} runs the start-up cells that a default run of the benchmark measures. */
class StartupCellTests {

    @Test
    void printsTheColdStartThatADefaultRunMeasures() throws Exception {
        Options defaults = Options.parse();

        Cell cold = Cell.fromProperties(printed("COLD_START", "/mnt/ext4/start", "100", "ext4"));

        assertThat(cold.kind()).isEqualTo(Cell.Kind.COLD_START);
        assertThat(cold.approach()).isEqualTo(Approach.LAKEBASE);
        assertThat(cold.directory()).isEqualTo("/mnt/ext4/start");
        assertThat(cold.filesystem()).isEqualTo("ext4");
        assertThat(cold.sizeMb()).isEqualTo(100);
        assertThat(cold.prefetch()).as("the library's default prefetching").isEqualTo(defaults.prefetch());
        assertThat(cold.tests()).isEqualTo(defaults.tests());
        assertThat(cold.budgetSeconds()).isEqualTo(defaults.budgetSeconds());
        assertThat(cold.round()).isEqualTo(1);
    }

    @Test
    void theWarmAndJoinedStartsDifferFromTheColdOneInTheirKindOnly() {
        Cell cold = StartupCell.of("cold_start", "/tmp/start", "10", "xfs");

        assertThat(StartupCell.of("WARM_START", "/tmp/start", "10", "xfs"))
                .isEqualTo(cold.withKind(Cell.Kind.WARM_START));
        assertThat(StartupCell.of("JOINED_START", "/tmp/start", "10", "xfs"))
                .isEqualTo(cold.withKind(Cell.Kind.JOINED_START));
    }

    @Test
    void refusesWhatIsNoStartUpCell() {
        assertThatThrownBy(() -> StartupCell.of("PER_TEST", "/tmp/start", "10", "xfs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PER_TEST is no start-up cell");
        assertThatThrownBy(() -> StartupCell.of("COLD_START", "/tmp/start", "0", "xfs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 MB or more");
        assertThatThrownBy(() -> StartupCell.of("COLD_START", "/tmp/start"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected 4 arguments");
    }

    /** What {@link StartupCell#main} prints for {@code args}, read back. */
    private static Properties printed(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.ISO_8859_1));
        try {
            StartupCell.main(args);
        } finally {
            System.setOut(original);
        }
        Properties properties = new Properties();
        properties.load(new StringReader(bytes.toString(StandardCharsets.ISO_8859_1)));
        return properties;
    }
}
