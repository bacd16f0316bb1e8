package io.github.lakebase.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpreadTests {

    @Test
    void theSpreadIsTheSmallestTheMedianAndTheLargestMedian() {
        assertThat(Spread.of(new double[] {44.2, 38.5, 41.0})).isEqualTo(new Spread(3, 38.5, 41.0, 44.2));
    }

    @Test
    void roundsWithoutAMedianAreLeftOut() {
        assertThat(Spread.of(new double[] {Double.NaN, 7, 9})).isEqualTo(new Spread(2, 7, 8, 9));
        assertThat(Spread.of(new double[] {Double.NaN}).rounds()).isZero();
    }
}
