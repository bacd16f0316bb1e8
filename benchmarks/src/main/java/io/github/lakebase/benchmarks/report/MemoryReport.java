package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.Targets.verdict;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The memory cell of the results page: what the embedded server and the JVM take with 1, 8 and 32 live
 * branches, each with its pool open and idle, and the target it is graded on.
 *
 * <pre>{@code
 * MemoryReport.section(md, summary);
 * }</pre>
 */
final class MemoryReport {

    /** The live branches the target is about. */
    static final int TARGET_BRANCHES = 32;
    /** The server memory those may take at most, in MiB. */
    static final double TARGET_SERVER_MB = 1024;

    private MemoryReport() {}

    static void section(StringBuilder md, Summary summary) {
        List<MemoryRow> rows = summary.memory();
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Memory of live branches\n\n");
        md.append("Branches of one running test (its own, and further ones it asks for by name), each with its "
                + "HikariCP pool opened to its default size (`lakebase.pool.maximum-size`) by as many connections, "
                + "each running a query, then handed back to the pool, where they stay open and idle. The server's "
                + "memory is the PSS (proportional set size, `/proc/<pid>/smaps_rollup`) of the postmaster and of "
                + "every process under it, which counts each shared page once; the heap is the JVM's heap in use "
                + "after a full collection. On " + rows.get(0).filesystem() + ".\n\n");
        md.append("| live branches | connections | server processes | server memory (PSS) | per further branch "
                + "| JVM heap |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        MemoryRow first = rows.get(0);
        for (MemoryRow m : rows) {
            String perBranch = m.branches() > first.branches()
                    ? mb((m.serverPssMb() - first.serverPssMb()) / (m.branches() - first.branches()))
                    : "";
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %s | %s | %s |%n",
                    m.branches(),
                    m.connections(),
                    m.serverProcesses(),
                    mb(m.serverPssMb()) + (m.note().isEmpty() ? "" : " ⚠"),
                    perBranch,
                    mb(m.heapMb())));
        }
        md.append('\n');
    }

    static List<String> targets(Summary summary) {
        if (summary.memory().isEmpty()) {
            return List.of();
        }
        String target = String.format(
                Locale.ROOT,
                "With %d live branches, each with its pool open and idle, the embedded server takes under 1 GiB of "
                        + "memory (PSS): ",
                TARGET_BRANCHES);
        Optional<MemoryRow> row = summary.memory().stream()
                .filter(m -> m.branches() == TARGET_BRANCHES)
                .findFirst();
        if (row.isEmpty() || Double.isNaN(row.get().serverPssMb())) {
            return List.of(target + "**not measured**"
                    + row.filter(m -> !m.note().isEmpty())
                            .map(m -> " (" + m.note() + ")")
                            .orElse(row.isEmpty() ? " (run with --branches including " + TARGET_BRANCHES + ")" : "")
                    + ".");
        }
        MemoryRow m = row.get();
        return List.of(target
                + verdict(m.serverPssMb() < TARGET_SERVER_MB && m.note().isEmpty())
                + String.format(
                        Locale.ROOT,
                        ": %s (%d processes, %d connections; the JVM's heap: %s).",
                        mb(m.serverPssMb()),
                        m.serverProcesses(),
                        m.connections(),
                        mb(m.heapMb())));
    }

    private static String mb(double mb) {
        return Double.isNaN(mb) ? "–" : String.format(Locale.ROOT, "%,.0f MB", mb);
    }
}
