package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.MarkdownReport.ms;

import java.util.List;
import java.util.Locale;

/**
 * The spread of the decisive cells over the interleaved repetitions of a run ({@code --repeat}): for each,
 * the smallest, median and largest of the medians of its rounds.
 *
 * <pre>{@code
 * RepeatReport.section(md, summary);
 * }</pre>
 */
final class RepeatReport {

    private RepeatReport() {}

    static void section(StringBuilder md, Summary summary) {
        List<Row> rows = summary.rows().stream().filter(r -> r.spread() != null).toList();
        if (rows.isEmpty()) {
            return;
        }
        int rounds = rows.stream().mapToInt(r -> r.spread().rounds()).max().orElse(0);
        md.append("## Spread over the repetitions\n\n");
        md.append(String.format(
                Locale.ROOT,
                "The decisive cells ran %d times, interleaved: each round ran every one of them once (the Spring "
                        + "cells in reverse order every other round, as the second of two cells run one after the "
                        + "other measured up to a fifth slower), so that a change in the machine's load falls on every "
                        + "approach alike. The tables "
                        + "above pool the tests of all rounds; this one shows how far the median cost per test of "
                        + "each round moved: the smallest, the median and the largest of the medians, in ms.%n%n",
                rounds));
        md.append("| filesystem | data | approach | min | median | max |\n");
        md.append("| --- | ---: | --- | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            Spread s = r.spread();
            md.append("| ")
                    .append(r.filesystem())
                    .append(" | ")
                    .append(r.spring() ? "Spring" : r.sizeMb() + " MB")
                    .append(" | ")
                    .append(r.label().replace("|", "\\|"))
                    .append(" | ")
                    .append(ms(s.min()))
                    .append(" | ")
                    .append(ms(s.median()))
                    .append(" | ")
                    .append(ms(s.max()))
                    .append(s.rounds() < rounds ? " (" + s.rounds() + " rounds) ⚠" : "")
                    .append(" |\n");
        }
        md.append('\n');
    }
}
