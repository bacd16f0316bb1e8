package io.github.lakebase.benchmarks.report;

import java.util.Arrays;

/**
 * The median and 90th percentile of a set of measurements (nearest rank, so both are values that were
 * measured).
 *
 * <pre>{@code
 * Stats s = Stats.of(new double[] {12.0, 15.5, 11.2});
 * s.median();   // 12.0
 * }</pre>
 *
 * @param count how many values
 * @param median the median (the mean of the two middle values for an even count)
 * @param p90 the 90th percentile
 */
public record Stats(int count, double median, double p90) {

    /** No measurements. */
    public static final Stats EMPTY = new Stats(0, Double.NaN, Double.NaN);

    /**
     * Summarises {@code values}; {@link #EMPTY} when there are none.
     *
     * @param values the measurements (not changed)
     * @return their statistics
     */
    public static Stats of(double[] values) {
        double[] v =
                Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return EMPTY;
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        double p90 = v[Math.max(0, (int) Math.ceil(0.9 * n) - 1)];
        return new Stats(n, median, p90);
    }
}
