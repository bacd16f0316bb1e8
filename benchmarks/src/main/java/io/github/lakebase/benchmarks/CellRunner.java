package io.github.lakebase.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.benchmarks.harness.Cell;
import io.github.lakebase.benchmarks.harness.CellMain;
import io.github.lakebase.benchmarks.harness.CellResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs each {@link Cell} in a JVM of its own ({@link CellMain}), with the cell's configuration as
 * system properties, its output in a log file, and its data directories deleted afterwards.
 *
 * <pre>{@code
 * CellResult result = new CellRunner(out).run(cell, true);
 * }</pre>
 */
final class CellRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path out;

    CellRunner(Path out) throws IOException {
        this.out = Files.createDirectories(out);
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
        Path cellFile = out.resolve(cell.id() + ".cell.json");
        Path resultFile = out.resolve(cell.id() + ".json");
        Path log = out.resolve(cell.id() + ".log");
        JSON.writerWithDefaultPrettyPrinter().writeValue(cellFile.toFile(), cell);
        Files.deleteIfExists(resultFile);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        cell.systemProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CellMain.class.getName());
        command.add(cellFile.toString());
        command.add(resultFile.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long timeout = cell.budgetSeconds() + 900;
        boolean ended = process.waitFor(Math.min(timeout, 7200), TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        if (deleteAfter) {
            deleteRecursively(directory);
        }
        if (ended && Files.isRegularFile(resultFile)) {
            return JSON.readValue(resultFile.toFile(), CellResult.class);
        }
        String why = ended ? "its JVM ended with exit code " + process.exitValue() : "its JVM did not finish in time";
        return CellResult.failed(cell, why + "; see " + log);
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
