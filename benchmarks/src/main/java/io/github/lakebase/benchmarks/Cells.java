package io.github.lakebase.benchmarks;

import io.github.lakebase.benchmarks.harness.Approach;
import io.github.lakebase.benchmarks.harness.Cell;

/**
 * The cells a run of the benchmark measures, as its options make them: shared by the run ({@link Benchmarks}) and by
 * the scripts that run one kind of cell again ({@link StartupCell}).
 *
 * <pre>{@code
 * Cell cold = Cells.coldStart(Options.parse(), "ext4", "/mnt/ext4/start", 100);   // 20 tests, prefetch 2
 * }</pre>
 */
final class Cells {

    private Cells() {}

    /**
     * A cell of {@code kind} as a run with {@code options} measures it, in {@code directory}, with its tests and
     * time budget, before its prefetching, work and round are set.
     *
     * @param filesystem the label of the filesystem {@code directory} is on
     * @param size the parent's fill data, in MB
     */
    static Cell cell(
            Options options, Cell.Kind kind, Approach approach, String filesystem, String directory, int size) {
        // A Spring test takes tens of ms: as few as a cost cell's would measure mostly a run's start (restores
        // under way, code not compiled yet). The time budget bounds the slow approaches.
        int factor = kind == Cell.Kind.THROUGHPUT ? 2 : approach.spring() && !options.quick() ? 15 : 1;
        int tests = factor * options.tests();
        return Cell.perTest(
                        approach,
                        filesystem,
                        directory,
                        size,
                        tests,
                        Math.min(
                                tests,
                                kind == Cell.Kind.THROUGHPUT ? 2 * options.minimumTests() : options.minimumTests()),
                        options.budgetSeconds())
                .withKind(kind);
    }

    /** The cold start of the library that a run with {@code options} measures in {@code directory}, in round 1. */
    static Cell coldStart(Options options, String filesystem, String directory, int size) {
        // With the library's default prefetching, as a user's run has it: a run keeps a spare for the next.
        return cell(options, Cell.Kind.COLD_START, Approach.LAKEBASE, filesystem, directory, size)
                .withPrefetch(options.prefetch());
    }
}
