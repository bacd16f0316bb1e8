package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.AtomicFiles;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL programs of an unpacked installation, run as the server's OS user.
 *
 * <pre>{@code
 * PgTools tools = new PgTools(PostgresBinaries.install(cache), OsUser.resolve(Optional.empty()));
 * tools.run(List.of(tools.bin("pg_ctl"), "stop", "-D", dir.toString()), Duration.ofSeconds(40));
 * }</pre>
 *
 * @param installation the directory with {@code bin/}, {@code lib/} and {@code share/}
 * @param osUser who the programs run as
 */
record PgTools(Path installation, OsUser osUser) {

    /** The path of the program {@code name}. */
    String bin(String name) {
        return installation
                .resolve("bin")
                .resolve(PostgresBinaries.executable(name))
                .toString();
    }

    /**
     * The version of the server program, such as {@code 18.6}: asked once per installation and remembered
     * beside it, as an installation never changes once unpacked.
     */
    String version() {
        Path remembered = installation.resolve(".version");
        try {
            if (Files.isRegularFile(remembered)) {
                return Files.readString(remembered).trim();
            }
        } catch (IOException e) {
            // asked again below
        }
        String out = run(List.of(bin("postgres"), "--version"), Duration.ofSeconds(30));
        String version = out.replaceAll("(?s).*?(\\d+(\\.\\d+)?).*", "$1").trim();
        try {
            AtomicFiles.write(remembered, version + "\n");
        } catch (IOException e) {
            // asked again next time
        }
        return version;
    }

    /** The major version of the server program, such as {@code 18}. */
    String majorVersion() {
        return version().replaceAll("\\..*", "");
    }

    /** Runs {@code command} as the server's OS user; returns its output, or fails with it. */
    String run(List<String> command, Duration timeout) {
        return run(command, null, timeout);
    }

    /**
     * Runs {@code command} as the server's OS user with {@code input} as its standard input (none when null);
     * returns its output, or fails with it.
     */
    String run(List<String> command, String input, Duration timeout) {
        try {
            Process p = ChildProcesses.builder(osUser.command(command))
                    .redirectErrorStream(true)
                    .start();
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ProviderException(String.join(" ", command) + " did not finish within " + timeout, null);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (osUser.switchesUser() && ExecFailure.exitCode(p.exitValue())) {
                throw ExecFailure.of(Path.of(command.get(0)), text, osUser); // setpriv could not run it
            }
            if (p.exitValue() != 0) {
                throw new ProviderException(
                        command.get(0).replaceAll(".*/", "") + " failed (exit code " + p.exitValue() + "):\n"
                                + text.trim(),
                        null);
            }
            return text;
        } catch (IOException e) {
            if (!osUser.switchesUser() && ExecFailure.startFailure(e)) {
                throw ExecFailure.of(Path.of(command.get(0)), String.valueOf(e.getMessage()), osUser);
            }
            throw new ProviderException("Could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while running " + command.get(0), e);
        }
    }
}
