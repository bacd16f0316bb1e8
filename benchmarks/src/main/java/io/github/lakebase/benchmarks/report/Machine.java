package io.github.lakebase.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the benchmark ran on, as the results page shows it.
 *
 * <pre>{@code
 * Machine machine = Machine.describe("18.6");
 * }</pre>
 *
 * @param cores available processors
 * @param cpu the processor's model name
 * @param memoryGb physical memory in GiB
 * @param os the operating system
 * @param kernel its version
 * @param jdk the Java runtime
 * @param postgres the PostgreSQL version the tests ran on
 */
public record Machine(int cores, String cpu, double memoryGb, String os, String kernel, String jdk, String postgres) {

    /**
     * Describes this machine.
     *
     * @param postgres the PostgreSQL version the tests saw
     * @return the description
     */
    public static Machine describe(String postgres) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                procLine("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")),
                procLine("/proc/meminfo", "MemTotal").map(Machine::kibToGib).orElse(Double.NaN),
                osName(),
                System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                postgres);
    }

    private static String osName() {
        return procLine("/etc/os-release", "PRETTY_NAME")
                .map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name"));
    }

    private static java.util.Optional<String> procLine(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(l.contains(":") ? ':' : '=') + 1)
                            .trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static double kibToGib(String value) {
        return Math.round(Long.parseLong(value.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
