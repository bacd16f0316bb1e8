package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.MarkdownReport.ms;

/**
 * The startup section of the results page: the time to the first test of a new JVM, cold, warm and joining a
 * server left running, for plain and Spring tests, with the same Spring test on H2 for reference; each the median
 * of the JVMs a run measured it in, with the fastest and the slowest.
 *
 * <pre>{@code
 * StartupReport.section(md, summary);
 * StartupReport.msOfSamples(row.jvmToFirstTest());   // "1,200 ms (median of 3: 1,000-1,600 ms)"
 * }</pre>
 */
final class StartupReport {

    private StartupReport() {}

    /** {@code "850 ms (median of 3: 800-2,500 ms)"} for several samples, {@code "850 ms"} for one. */
    static String msOfSamples(Spread samples) {
        return msOfSamples(samples, "");
    }

    /**
     * {@link #msOfSamples(Spread)} with {@code remark} first in the brackets: {@code "850 ms (over; median of 3:
     * 800-2,500 ms)"}, or {@code "850 ms (over)"} for one sample.
     */
    static String msOfSamples(Spread samples, String remark) {
        String median = samples.rounds() > 1
                ? "median of " + samples.rounds() + ": " + ms(samples.min()) + "-" + ms(samples.max()) + " ms"
                : "";
        return ms(samples.median()) + " ms" + brackets(remark, median);
    }

    /** {@code " (a, b)"}-like brackets around the parts that are not empty, joined by {@code separator}. */
    private static String brackets(String first, String second, String separator) {
        String within = first.isEmpty() || second.isEmpty() ? first + second : first + separator + second;
        return within.isEmpty() ? "" : " (" + within + ")";
    }

    private static String brackets(String remark, String median) {
        return brackets(remark, median, "; ");
    }

    /**
     * A table's cell: {@code "600 ms (500-800)"} for as many samples as the most any row has, {@code "600 ms
     * (500-800, 2 JVMs)"} or {@code "600 ms (1 JVM)"} for fewer, {@code "600 ms"} where every row has one.
     */
    private static String msRange(Spread samples, int most) {
        String range = samples.rounds() > 1 ? ms(samples.min()) + "-" + ms(samples.max()) : "";
        String count = samples.rounds() >= most || samples.rounds() == 0
                ? ""
                : samples.rounds() + (samples.rounds() == 1 ? " JVM" : " JVMs");
        return ms(samples.median()) + " ms" + brackets(range, count, ", ");
    }

    static void section(StringBuilder md, Summary summary) {
        if (summary.startup().isEmpty()) {
            return;
        }
        int most =
                summary.startup().stream().mapToInt(StartupRow::samples).max().orElse(0);
        md.append("## Startup\n\n");
        md.append("A new JVM runs `@LakebaseBranch` tests, plain and Spring, on a persistent "
                + "`lakebase.embedded.data-directory`, with the default `lakebase.prefetch`: cold, on an empty "
                + "directory (initdb, server start, migrations, first fork; for Spring, the application context too), "
                + "then warm: a second JVM on the directory the cold start left, with unchanged migrations, whose first "
                + "branch is the spare the run before it kept, and which leaves its server running for a while "
                + "(`lakebase.embedded.linger`), and a third JVM that joins that server. For reference, a JVM that runs the same Spring test "
                + "class on in-memory H2 (the first test of its cell). Time from the test class's start (the "
                + "extension's first callback) to the first test's body, of which the migration's own statements "
                + "took a part (they fill the database to its size; a warm start runs none), and from the JVM's "
                + "start. "
                + samplesSentence(most)
                + "\n\n");
        md.append("| filesystem | tests | start | data | to the first test | of it, the migration | JVM start to the "
                + "first test |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (StartupRow s : summary.startup()) {
            boolean spring = s.approach().startsWith("SPRING_");
            md.append("| ")
                    .append(s.filesystem())
                    .append(" | ")
                    .append(spring ? "Spring, " + s.label() : s.label())
                    .append(" | ")
                    .append(
                            switch (s.kind()) {
                                case "COLD_START" -> "cold";
                                case "WARM_START" -> "warm";
                                case "JOINED_START" -> "warm, joining a server left running";
                                default -> "–";
                            })
                    .append(" | ")
                    .append(spring ? "–" : s.sizeMb() + " MB")
                    .append(" | ")
                    .append(msRange(s.firstTest(), most))
                    .append(" | ")
                    .append(Double.isNaN(s.migrationMillis()) ? "–" : ms(s.migrationMillis()) + " ms")
                    .append(" | ")
                    .append(msRange(s.jvmToFirstTest(), most))
                    .append(s.note().isEmpty() ? "" : " ⚠")
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** What the start-up table's numbers are: one JVM's, or the median of {@code most} with their range. */
    private static String samplesSentence(int most) {
        return most <= 1
                ? "Each start ran once: one JVM's start on a small machine moves by a second from one to the next."
                : "Each number is the median of " + most + " JVMs (of fewer where the row says so), with the fastest "
                        + "and the slowest in brackets: each start ran once per round on the filesystem whose cells "
                        + "run in rounds, and one after another on the others, since one JVM's start on a small machine "
                        + "moves by a second from one to the next.";
    }
}
