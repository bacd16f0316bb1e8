package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.Targets.verdict;

import io.github.lakebase.benchmarks.harness.Approach;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parallel cell of the results page: tests per second of {@code @LakebaseBranch} and of zonky with
 * tests one after another, in JUnit's parallel threads, and in several JVMs at once (surefire's
 * {@code forkCount}), and the target it is graded on.
 *
 * <pre>{@code
 * ParallelReport.section(md, summary);
 * }</pre>
 */
final class ParallelReport {

    private ParallelReport() {}

    static void section(StringBuilder md, Summary summary) {
        List<Row> rows = rows(summary);
        if (rows.isEmpty()) {
            return;
        }
        Row any = rows.get(0);
        md.append("## Tests in parallel\n\n");
        md.append(String.format(
                Locale.ROOT,
                "The test of the cost tables on a %d MB parent (%s), run one after another; in JUnit's parallel "
                        + "threads (`junit.jupiter.execution.parallel`, a fixed parallelism) in one JVM; and in "
                        + "several JVMs at once, each running its share of the tests one after another, as surefire's "
                        + "`forkCount` does. With `@LakebaseBranch` the JVMs share one persistent data directory: the "
                        + "first starts the server, the others join it; with zonky each JVM starts a server of its "
                        + "own. Tests per second that passed, from the start of the first measured test to the end of "
                        + "the last, once every JVM is warm (each JVM's first test is left out). A failed test means "
                        + "that the approach gave it a database another test had changed.%n%n",
                any.sizeMb(),
                any.filesystem()));
        List<String> columns =
                rows.stream().map(ParallelReport::mode).distinct().toList();
        md.append("| approach | ").append(String.join(" | ", columns)).append(" |\n");
        md.append("| --- |").append(" ---: |".repeat(columns.size())).append('\n');
        for (String approach : rows.stream().map(Row::approach).distinct().toList()) {
            md.append("| ").append(Approach.valueOf(approach).label()).append(" |");
            for (String column : columns) {
                md.append(' ')
                        .append(rows.stream()
                                .filter(r -> r.approach().equals(approach) && mode(r).equals(column))
                                .findFirst()
                                .map(ParallelReport::rate)
                                .orElse(""))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    static List<String> targets(Summary summary) {
        List<Row> rows = rows(summary);
        List<Row> parallel = rows.stream()
                .filter(r -> r.approach().equals(Approach.LAKEBASE.name()) && (r.threads() > 1 || r.forks() > 1))
                .toList();
        if (parallel.isEmpty()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        boolean met = true;
        boolean measured = true;
        for (Row lakebase : parallel) {
            Optional<Row> zonky = rows.stream()
                    .filter(r -> r.approach().equals(Approach.ZONKY.name())
                            && r.threads() == lakebase.threads()
                            && r.forks() == lakebase.forks())
                    .findFirst();
            String part = mode(lakebase) + ": " + rate(lakebase);
            if (lakebase.failures() > 0 || Double.isNaN(lakebase.testsPerSecond())) {
                met = false;
            } else if (zonky.isEmpty() || zonky.get().note().startsWith("skipped")) {
                measured = false;
                part += " (zonky not measured)";
            } else if (zonky.get().failures() > 0) {
                part += " against zonky's " + rate(zonky.get()) + ", whose tests were not isolated";
            } else {
                met &= lakebase.testsPerSecond() > zonky.get().testsPerSecond();
                part += " against zonky's " + rate(zonky.get());
            }
            parts.add(part);
        }
        String verdict = !met ? verdict(false) : measured ? verdict(true) : "**not fully measured**";
        return List.of("With tests in parallel, `@LakebaseBranch` runs more tests per second than zonky under the "
                + "same settings: " + verdict + ": " + String.join("; ", parts) + ".");
    }

    private static List<Row> rows(Summary summary) {
        return summary.rows().stream()
                .filter(r -> r.kind().equals("THROUGHPUT"))
                .sorted(Comparator.comparingInt(Row::forks).thenComparingInt(Row::threads))
                .toList();
    }

    private static String mode(Row r) {
        return r.forks() > 1
                ? "forkCount=" + r.forks()
                : r.threads() > 1 ? r.threads() + " threads" : "one after another";
    }

    private static String rate(Row r) {
        if (r.note().startsWith("skipped")) {
            return "skipped";
        }
        String rate =
                Double.isNaN(r.testsPerSecond()) ? "–" : String.format(Locale.ROOT, "%.1f tests/s", r.testsPerSecond());
        return r.failures() > 0 ? rate + ", " + r.failures() + " failed ⚠" : rate;
    }
}
