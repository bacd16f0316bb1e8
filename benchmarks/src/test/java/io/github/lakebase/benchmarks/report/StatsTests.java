package io.github.lakebase.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTests {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.of(new double[] {30, 10, 20}).median()).isEqualTo(20);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleValues() {
        assertThat(Stats.of(new double[] {40, 10, 20, 30}).median()).isEqualTo(25);
    }

    @Test
    void p90IsTheNearestRank() {
        double[] values = new double[20];
        for (int i = 0; i < 20; i++) {
            values[i] = i + 1; // 1..20
        }
        assertThat(Stats.of(values).p90()).isEqualTo(18);
        assertThat(Stats.of(new double[] {5}).p90()).isEqualTo(5);
    }

    @Test
    void missingValuesAreLeftOut() {
        Stats stats = Stats.of(new double[] {Double.NaN, 7, Double.NaN});
        assertThat(stats.count()).isEqualTo(1);
        assertThat(stats.median()).isEqualTo(7);
        assertThat(Stats.of(new double[] {Double.NaN})).isEqualTo(Stats.EMPTY);
    }
}
