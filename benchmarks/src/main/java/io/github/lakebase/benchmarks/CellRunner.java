package io.github.lakebase.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellMain;
import io.github.lakebase.benchmarks.harness.CellResult;
import io.github.lakebase.benchmarks.harness.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs each {@link Cell} in a JVM of its own ({@link CellMain}), or in {@link Cell#forks()} JVMs at once,
 * with the cell's configuration as system properties, each JVM's output in a log file, and the cell's
 * data directories deleted afterwards.
 *
 * <pre>{@code
 * CellResult result = new CellRunner(out, List.of()).run(cell, true);
 * }</pre>
 */
final class CellRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path out;
    private final List<String> jvmOptions;

    /**
     * @param out where cells' files and results go
     * @param jvmOptions options every cell's JVM starts with, after the benchmark's own
     */
    CellRunner(Path out, List<String> jvmOptions) throws IOException {
        this.out = Files.createDirectories(out);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Measures {@code cell}.
     *
     * @param cell the cell
     * @param deleteAfter whether to delete the cell's directory afterwards
     * @return what it measured; a result that says why, when its JVM failed
     */
    CellResult run(Cell cell, boolean deleteAfter) throws IOException, InterruptedException {
        Path directory = Files.createDirectories(Path.of(cell.directory()));
        // The JSON file is for people; the cell's JVM reads the properties, and so loads no JSON library.
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve(cell.id() + ".cell.json").toFile(), cell);
        Path cellFile = out.resolve(cell.id() + ".cell.properties");
        try (Writer w = Files.newBufferedWriter(cellFile)) {
            cell.toProperties().store(w, null);
        }
        List<Process> processes = new ArrayList<>();
        List<Path> resultFiles = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int fork = 0; fork < cell.forks(); fork++) {
            String name = cell.id() + (cell.forks() > 1 ? ".fork" + fork : "");
            Path resultFile = out.resolve(name + ".json");
            Path log = out.resolve(name + ".log");
            Files.deleteIfExists(resultFile);
            resultFiles.add(resultFile);
            logs.add(log);
            processes.add(start(command(cell, jvmOptions, cellFile, resultFile, fork), log));
        }
        long deadline = System.nanoTime() + Math.min(cell.budgetSeconds() + 900, 7200) * 1_000_000_000L;
        List<CellResult> results = new ArrayList<>();
        String why = null;
        for (int fork = 0; fork < processes.size(); fork++) {
            Process process = processes.get(fork);
            boolean ended = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            if (ended && Files.isRegularFile(resultFiles.get(fork))) {
                results.add(JSON.readValue(resultFiles.get(fork).toFile(), CellResult.class));
            } else if (why == null) {
                why = (ended ? "its JVM ended with exit code " + process.exitValue() : "its JVM did not finish in time")
                        + "; see " + logs.get(fork);
            }
        }
        if (deleteAfter) {
            deleteRecursively(directory);
        }
        return why == null ? merge(results) : CellResult.failed(cell, why);
    }

    /** The command line of one JVM of {@code cell}: this JVM's {@code java} and class path. */
    static List<String> command(Cell cell, List<String> jvmOptions, Path cellFile, Path resultFile, int fork) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.addAll(jvmOptions);
        cell.systemProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CellMain.class.getName());
        command.add(cellFile.toString());
        command.add(resultFile.toString());
        command.add(Integer.toString(fork));
        return command;
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * One result for the JVMs of a cell that ran at once: the warm-up tests of all first, then all measured
     * tests, and the span from the first measured test's start to the last one's end.
     */
    static CellResult merge(List<CellResult> results) {
        if (results.size() == 1) {
            return results.get(0);
        }
        List<Sample> tests = new ArrayList<>();
        results.forEach(r -> tests.addAll(r.tests().subList(0, r.warmUps())));
        results.forEach(r -> tests.addAll(r.measured()));
        List<String> skipped = new ArrayList<>();
        Map<String, Double> values = new LinkedHashMap<>();
        results.forEach(r -> {
            skipped.addAll(r.skipped());
            values.putAll(r.values());
        });
        CellResult first = results.get(0);
        return new CellResult(
                first.cell(),
                tests,
                results.stream().mapToInt(CellResult::warmUps).sum(),
                skipped,
                results.stream().mapToLong(CellResult::databaseBytes).max().orElse(0),
                first.serverVersion(),
                first.firstTestMillis(),
                first.jvmToFirstTestMillis(),
                results.stream().mapToLong(CellResult::measuredFromMillis).min().orElse(0),
                results.stream().mapToLong(CellResult::measuredToMillis).max().orElse(0),
                values,
                results.stream()
                        .map(CellResult::unavailable)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null),
                results.stream()
                        .map(CellResult::error)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null),
                results.stream().mapToDouble(CellResult::seconds).max().orElse(Double.NaN));
    }

    /**
     * Deletes {@code directory}, waiting a little for servers that the cell's JVM left stopping (zonky's stops in
     * a shutdown hook that the JVM does not wait for), and says so instead of failing when it cannot.
     */
    static void deleteRecursively(Path directory) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTree(directory);
                return;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 20) {
                    System.err.println("Could not delete " + directory + ": " + e.getMessage());
                    return;
                }
                Thread.sleep(500);
            }
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
