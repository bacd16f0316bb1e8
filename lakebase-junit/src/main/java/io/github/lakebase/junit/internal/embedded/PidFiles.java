package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a data directory's {@code postmaster.pid} says, and the server it names: whether one runs there, waiting
 * for one that stops, stopping one a dead run left.
 *
 * <pre>{@code
 * if (PidFiles.runsOn(dataDirectory)) { ... }
 * }</pre>
 */
final class PidFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PidFiles.class);

    private PidFiles() {}

    /**
     * Stops the server a dead run left running on {@code dir}, if any (its watchdog stops it within
     * seconds, so this is for the moments before, and for machines without a watchdog). The process
     * that {@code postmaster.pid} names is signalled only when it is a server on {@code dir}: when the
     * server was killed too, the file is stale, and its process id may be another process's by now,
     * or a zombie that an init which does not reap orphans (many containers') keeps forever.
     *
     * @return the process id of a stale {@code postmaster.pid}, or 0
     */
    static long stopServerLeftOn(PgTools tools, Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return 0;
        }
        long pid = lines(dir).stream().findFirst().flatMap(PidFiles::parseLong).orElse(0L); // 0: pg_ctl decides
        if (pid > 0 && !ProcessHandle.of(pid).map(p -> servesDirectory(p, dir)).orElse(false)) {
            LOG.info(
                    "The PostgreSQL server an earlier run left on {} was killed; its stale postmaster.pid is replaced",
                    dir);
            return pid;
        }
        LOG.info("Stopping a PostgreSQL server left running on {} by an earlier run", dir);
        try {
            tools.run(
                    List.of(tools.bin("pg_ctl"), "stop", "-D", dir.toString(), "-m", "immediate", "-w", "-t", "30"),
                    Duration.ofSeconds(40));
        } catch (ProviderException e) {
            LOG.debug("No server to stop on {}: {}", dir, e.getMessage());
        }
        return 0;
    }

    /**
     * Waits (at most {@code timeout}) until no server runs on {@code dir}: one that is stopping (its watchdog's
     * fast shutdown) is let finish rather than stopped at once.
     */
    static void awaitNoneOn(Path dir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runsOn(dir) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("Interrupted while waiting for the server on " + dir + " to stop", e);
            }
        }
    }

    /** Whether a server runs on {@code dir}, as its {@code postmaster.pid} says. */
    static boolean runsOn(Path dir) {
        return lines(dir).stream()
                .findFirst()
                .flatMap(PidFiles::parseLong)
                .flatMap(ProcessHandle::of)
                .filter(p -> servesDirectory(p, dir))
                .isPresent();
    }

    /** Whether {@code process} is a postmaster on {@code dir}; {@code true} when its arguments are unknown. */
    static boolean servesDirectory(ProcessHandle process, Path dir) {
        if (!Processes.running(process)) {
            return false;
        }
        Optional<String[]> arguments = process.info().arguments();
        if (arguments.isEmpty()) {
            return true; // cannot tell: pg_ctl decides, as it would without this check
        }
        List<String> args = List.of(arguments.get());
        int d = args.indexOf("-D");
        try {
            return d >= 0 && d + 1 < args.size() && Files.isSameFile(Path.of(args.get(d + 1)), dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The lines of {@code postmaster.pid}: process id, data directory, start time, port, ..., status. */
    static List<String> lines(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("postmaster.pid"));
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // none, or being written
        }
    }

    static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
