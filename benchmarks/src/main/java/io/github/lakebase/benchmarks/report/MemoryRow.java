package io.github.lakebase.benchmarks.report;

/**
 * What a number of live branches cost, each with its pool opened to its default size and idle: the
 * embedded server's memory (PSS of the postmaster and its processes) and the JVM's heap.
 *
 * <pre>{@code
 * boolean small = row.serverPssMb() < 1024;
 * }</pre>
 *
 * @param filesystem the filesystem's label
 * @param branches live branches
 * @param connections open connections in their pools
 * @param serverProcesses the postmaster and its processes
 * @param serverPssMb their PSS in MiB, NaN where it cannot be read
 * @param heapMb the JVM's used heap after a full collection, in MiB
 * @param note why the row has no numbers, or {@code ""}
 */
public record MemoryRow(
        String filesystem,
        int branches,
        int connections,
        int serverProcesses,
        double serverPssMb,
        double heapMb,
        String note) {}
