package io.github.lakebase.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Spring cells change places round by round, so that no approach always runs after another. */
class ApproachTests {

    @Test
    void oddRoundsRunTheSpringCellsInTheirOrderAndEvenRoundsInReverse() {
        List<Approach> declared =
                Arrays.stream(Approach.values()).filter(Approach::spring).toList();
        List<Approach> reversed = new ArrayList<>(declared);
        Collections.reverse(reversed);

        assertThat(declared).hasSizeGreaterThan(1);
        assertThat(Approach.springInRound(1)).containsExactlyElementsOf(declared);
        assertThat(Approach.springInRound(2)).containsExactlyElementsOf(reversed);
        assertThat(Approach.springInRound(3)).containsExactlyElementsOf(declared);
    }
}
