package io.github.lakebase.junit.internal.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the embedded server when the JVM that started it dies without stopping it ({@code kill -9},
 * a crash, a build tool's timeout), so that no server of a dead run is left running.
 *
 * <p>The postmaster is started by a small POSIX {@code sh} script whose standard input is a pipe from
 * this JVM. Nothing is ever written to it: when the JVM's end closes, because the JVM exited however it
 * exited, or because {@link #release} closed it, the script reads end-of-file and asks the postmaster
 * for a fast shutdown ({@code SIGINT}), and for an immediate one ({@code SIGQUIT}) if it still runs ten
 * seconds later. The operating system closes the pipe the instant the JVM dies: nothing polls, no
 * process id that may be reused is watched, and the script needs no permission over the JVM (it runs
 * as the server's OS user, through the same {@code setpriv} prefix, and only signals its own child).
 * When the postmaster exits by itself ({@code pg_ctl stop}, or a failed start), the script ends its
 * watcher and exits with the postmaster's exit code; its output goes to the server's log.
 *
 * <p>Available wherever {@code /bin/sh} is (Linux, macOS); elsewhere the server runs unwatched.
 */
final class Watchdog {

    /** {@code $0} of the script, to recognise it in a process list. */
    static final String NAME = "lakebase-junit-watchdog";

    private static final String SCRIPT = String.join("\n",
            "exec 3<&0 </dev/null",
            "\"$@\" 3<&- &",
            "pg=$!",
            "(",
            "  while read -r line <&3; do :; done",
            "  echo \"" + NAME + ": the JVM that started this server is gone; stopping it (PID $pg)\"",
            "  kill -INT \"$pg\" 2>/dev/null",
            "  i=0",
            "  while [ \"$i\" -lt 10 ] && kill -0 \"$pg\" 2>/dev/null; do sleep 1; i=$((i + 1)); done",
            "  kill -QUIT \"$pg\" 2>/dev/null",
            ") &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$pg\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    private static final Path SH = Path.of("/bin/sh");

    private Watchdog() {}

    /** Whether servers run under the watchdog on this machine. */
    static boolean available() {
        return File.separatorChar == '/' && Files.isExecutable(SH);
    }

    /**
     * The command line that runs {@code command} under the watchdog. The process must be started with
     * its standard input left a pipe (the {@link ProcessBuilder} default), and that pipe left open.
     *
     * @param command the postmaster's command line
     * @return the command line to start instead
     */
    static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(SH.toString(), "-c", SCRIPT, NAME));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Closes this JVM's end of the pipe: the watchdog of {@code process} stops the server at once, if it
     * still runs. Harmless after the server has stopped.
     *
     * @param process a process started from {@link #wrap}
     */
    static void release(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
