package io.github.lakebase.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.harness.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's results: {@code results.json} (the summary), {@code results.csv} (one line per row),
 * {@code samples.csv} (every test), {@code benchmarks.md} and {@code benchmarks.png}; and the last two
 * into the documentation too, when asked.
 *
 * <pre>{@code
 * List<Path> files = ResultFiles.write(summary, results, Path.of("target/results"), Path.of("docs"));
 * }</pre>
 */
public final class ResultFiles {

    private ResultFiles() {}

    /**
     * Writes everything.
     *
     * @param summary the summary
     * @param results every cell's result, for the raw samples
     * @param out the results directory
     * @param docs where the Markdown page and the chart go too, or {@code null}
     * @return the files written
     * @throws IOException when a file cannot be written
     */
    public static List<Path> write(Summary summary, List<CellResult> results, Path out, Path docs) throws IOException {
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        Path json = out.resolve("results.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), summary);
        written.add(json);
        written.add(Files.writeString(out.resolve("results.csv"), rowsCsv(summary)));
        written.add(Files.writeString(out.resolve("samples.csv"), samplesCsv(results)));
        Path png = out.resolve("benchmarks.png");
        Chart.write(summary, png);
        written.add(png);
        written.add(Files.writeString(out.resolve("benchmarks.md"), MarkdownReport.render(summary, "benchmarks.png")));
        if (docs != null) {
            Files.createDirectories(docs);
            Path docsPng = docs.resolve("benchmarks.png");
            Files.copy(png, docsPng, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            written.add(docsPng);
            written.add(
                    Files.writeString(docs.resolve("benchmarks.md"), MarkdownReport.render(summary, "benchmarks.png")));
        }
        return written;
    }

    static String rowsCsv(Summary summary) {
        StringBuilder csv = new StringBuilder("kind,filesystem,approach,label,size_mb,database_mb,prefetch,work_ms,"
                + "threads,forks,tests,median_ms,p90_ms,wait_median_ms,wait_p90_ms,tests_per_second,ratio_to_raw,"
                + "rounds,median_min_ms,median_max_ms,failures,note\n");
        for (Row r : summary.rows()) {
            Spread spread = r.spread() == null
                    ? new Spread(
                            1, r.cost().median(), r.cost().median(), r.cost().median())
                    : r.spread();
            csv.append(String.join(
                            ",",
                            r.kind(),
                            r.filesystem(),
                            r.approach(),
                            quote(r.label()),
                            Integer.toString(r.sizeMb()),
                            number(r.databaseMb()),
                            Integer.toString(r.prefetch()),
                            Long.toString(r.workMs()),
                            Integer.toString(r.threads()),
                            Integer.toString(r.forks()),
                            Integer.toString(r.cost().count()),
                            number(r.cost().median()),
                            number(r.cost().p90()),
                            number(r.waiting().median()),
                            number(r.waiting().p90()),
                            number(r.testsPerSecond()),
                            number(r.ratioToRaw()),
                            Integer.toString(spread.rounds()),
                            number(spread.min()),
                            number(spread.max()),
                            Integer.toString(r.failures()),
                            quote(r.note())))
                    .append('\n');
        }
        csv.append('\n')
                .append("filesystem,approach,startup,size_mb,samples,first_test_ms,first_test_min_ms,first_test_max_ms,"
                        + "jvm_to_first_test_ms,jvm_to_first_test_min_ms,jvm_to_first_test_max_ms,migration_ms,note\n");
        for (StartupRow s : summary.startup()) {
            csv.append(String.join(
                            ",",
                            s.filesystem(),
                            s.approach(),
                            s.kind(),
                            Integer.toString(s.sizeMb()),
                            Integer.toString(s.samples()),
                            number(s.firstTestMillis()),
                            number(s.firstTest().min()),
                            number(s.firstTest().max()),
                            number(s.jvmToFirstTestMillis()),
                            number(s.jvmToFirstTest().min()),
                            number(s.jvmToFirstTest().max()),
                            number(s.migrationMillis()),
                            quote(s.note())))
                    .append('\n');
        }
        csv.append('\n').append("filesystem,live_branches,connections,server_processes,server_pss_mb,heap_mb,note\n");
        for (MemoryRow m : summary.memory()) {
            csv.append(String.join(
                            ",",
                            m.filesystem(),
                            Integer.toString(m.branches()),
                            Integer.toString(m.connections()),
                            Integer.toString(m.serverProcesses()),
                            number(m.serverPssMb()),
                            number(m.heapMb()),
                            quote(m.note())))
                    .append('\n');
        }
        return csv.toString();
    }

    private static String samplesCsv(List<CellResult> results) {
        StringBuilder csv = new StringBuilder("cell,index,warm_up,cost_ms,wait_ms,after_ms,work_ms,failure\n");
        for (CellResult r : results) {
            for (int i = 0; i < r.tests().size(); i++) {
                Sample s = r.tests().get(i);
                csv.append(String.join(
                                ",",
                                r.cell().id(),
                                Integer.toString(i),
                                Boolean.toString(i < r.warmUps()),
                                number(s.costMillis()),
                                number(s.waitMillis()),
                                number(s.afterMillis()),
                                number(s.work() / 1e6),
                                quote(s.failure() == null ? "" : s.failure())))
                        .append('\n');
            }
        }
        return csv.toString();
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String quote(String value) {
        return '"' + value.replace("\"", "\"\"").replace('\n', ' ') + '"';
    }
}
