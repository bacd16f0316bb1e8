package io.github.lakebase.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a PostgreSQL server takes of the machine's memory: the proportional set size (PSS) of its
 * postmaster and every process under it, from {@code /proc/<pid>/smaps_rollup} (Linux). PSS divides each
 * shared page (shared buffers, the binaries) among the processes that map it, so that the sum over the
 * server's processes counts every page once.
 *
 * <pre>{@code
 * ServerMemory memory = ServerMemory.ofServerOf(backendPid);   // SELECT pg_backend_pid()
 * double mb = memory.pssKb() / 1024.0;
 * }</pre>
 *
 * @param processes the postmaster and its descendants
 * @param pssKb the sum of their PSS, in KiB; {@code -1} where it cannot be read
 */
public record ServerMemory(int processes, long pssKb) {

    /**
     * Measures the server that runs the backend {@code backendPid} (the postmaster is its parent).
     *
     * @param backendPid a backend's process id, as {@code pg_backend_pid()} gives it
     * @return the server's memory
     */
    public static ServerMemory ofServerOf(long backendPid) {
        Optional<ProcessHandle> postmaster = ProcessHandle.of(backendPid).flatMap(ProcessHandle::parent);
        if (postmaster.isEmpty()) {
            return new ServerMemory(0, -1);
        }
        List<ProcessHandle> processes = Stream.concat(
                        Stream.of(postmaster.get()), postmaster.get().descendants())
                .toList();
        long sum = 0;
        for (ProcessHandle p : processes) {
            long pss = pssKb(p.pid());
            if (pss < 0) {
                return new ServerMemory(processes.size(), -1);
            }
            sum += pss;
        }
        return new ServerMemory(processes.size(), sum);
    }

    /** The PSS of one process in KiB, 0 when it ended meanwhile, or -1 when it cannot be read. */
    static long pssKb(long pid) {
        Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
        try {
            for (String line : Files.readAllLines(rollup)) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (java.nio.file.NoSuchFileException e) {
            return ProcessHandle.of(pid).isPresent() ? -1 : 0;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
