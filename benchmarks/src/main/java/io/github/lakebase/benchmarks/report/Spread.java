package io.github.lakebase.benchmarks.report;

import java.util.Arrays;

/**
 * How much a cell's median moved between the interleaved repetitions of a run: the smallest, the median
 * and the largest of the medians of its rounds.
 *
 * <pre>{@code
 * Spread s = Spread.of(new double[] {41.0, 38.5, 44.2});
 * s.max() - s.min();   // 5.7
 * }</pre>
 *
 * @param rounds how many rounds had a median
 * @param min the smallest median
 * @param median the median of the medians
 * @param max the largest median
 */
public record Spread(int rounds, double min, double median, double max) {

    /**
     * The spread of {@code medians}, missing values left out.
     *
     * @param medians one median per round
     * @return their spread, with NaNs when none is there
     */
    public static Spread of(double[] medians) {
        double[] v =
                Arrays.stream(medians).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new Spread(0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Spread(v.length, v[0], Stats.of(v).median(), v[v.length - 1]);
    }
}
