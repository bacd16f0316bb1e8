package io.github.lakebase.junit.internal.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops the embedded server when the last JVM using it is gone, however it went: it exited, or it
 * died without stopping the server ({@code kill -9}, a crash, a build tool's timeout). So no server of a
 * dead run is left running, and a server that JVMs share outlives the one that started it.
 *
 * <p>The postmaster is started by a small POSIX {@code sh} script that reads a named pipe (a FIFO)
 * beside the data directory, {@code <directory>.watchdog}. Every JVM that uses the server holds the
 * pipe open. When the last of them closes it, because its JVM exited however it exited (the operating
 * system closes the pipe the instant a process dies) or because it let the server go, the script reads
 * end-of-file and asks the postmaster for a fast shutdown ({@code SIGINT}), and for an immediate one
 * ({@code SIGQUIT}) if it still runs ten seconds later. Nothing polls while a JVM holds the pipe, no
 * process id that may be reused is watched, and the script needs no permission over the JVMs (it runs as
 * the server's OS user, through the same {@code setpriv} prefix, and only signals its own child). When
 * the postmaster exits by itself ({@code pg_ctl stop}, or a failed start), the script ends its watcher
 * and exits with the postmaster's exit code; its output goes to the server's log. The script opens the pipe without
 * waiting for a JVM to hold it (the one that started it may have died already: the watcher then reads end-of-file at
 * once; in the server's first minute it waits for the server to write its {@code postmaster.pid}), and a script that is itself killed ({@code SIGTERM}, {@code SIGHUP}) asks its server for a fast shutdown
 * before it goes, as no one would stop the server after it.
 *
 * <p>With a linger ({@code lakebase.embedded.linger}) the script first waits that long (in whole seconds, rounded
 * up), checking once a second that its server still runs on its data directory: a read of the pipe returns at once
 * while no JVM holds it and blocks while one does, so a JVM that joins meanwhile keeps the server up, and the wait
 * starts again when it leaves (a JVM writes a line into the pipe as it joins and as it leaves the server to linger).
 * Once the script has decided to stop the server, it writes {@link #STOPPING} in the data directory and reads the
 * pipe once more: a JVM that took the pipe before that file existed holds the server up until it lets go, and the
 * linger starts again then; one that finds the file does not join. A server that has stopped by itself gets no
 * mark; one whose data directory was deleted or replaced meanwhile is stopped at once, without a checkpoint
 * ({@code SIGQUIT}), so that it writes nothing into a new cluster at the same path.
 *
 * <p>Available wherever {@code /bin/sh} and {@code mkfifo} are (Linux, macOS); elsewhere the server
 * runs unwatched, and serves one JVM only.
 */
final class Watchdog {

    /** {@code $0} of the script, to recognise it in a process list. */
    static final String NAME = "lakebase-junit-watchdog";

    static final String SUFFIX = ".watchdog";

    /**
     * The file in the data directory that the watchdog writes once it has decided to stop the server; a JVM
     * that took the pipe after it was written cannot count on the server.
     */
    static final String STOPPING = "lakebase-junit.stopping";

    // $1 the pipe, $2 the linger in whole seconds, $3 the data directory, then the postmaster's command line. A read
    // of the pipe returns at once while no JVM holds it and blocks while one does; a JVM writes a line when it joins
    // and when it leaves the server to linger, and each line starts the linger again. ours: the server runs, on this
    // data directory still (not deleted or replaced meanwhile).
    private static final String SCRIPT = String.join(
            "\n",
            "fifo=$1",
            "linger=$2",
            "datadir=$3",
            "shift 3",
            // Read and write first, which never waits for a writer (Linux and macOS): the JVM that holds the pipe may
            // be gone already, and then the watcher reads end-of-file at once.
            "exec 4<>\"$fifo\" 3<\"$fifo\" 4<&- </dev/null",
            "t0=$(date +%s)",
            "\"$@\" 3<&- &",
            "pg=$!",
            // Killed itself, the script asks its server for a fast shutdown: no one would stop it any more.
            "trap 'kill -INT \"$pg\" 2>/dev/null' HUP TERM",
            "(",
            "  ours() { kill -0 \"$pg\" 2>/dev/null && [ \"$(head -n 1 \"$datadir/postmaster.pid\" 2>/dev/null)\" = \"$pg\" ]; }",
            "  claimed() { p=$(head -n 1 \"$datadir/postmaster.pid\" 2>/dev/null); [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; }",
            "  while :; do",
            "    while read -r line <&3; do :; done",
            // In its first minute the server may not have written its postmaster.pid yet (an earlier, killed server's
            // may still be there): wait while the data directory is there and its postmaster.pid names no live process.
            "    while [ $(($(date +%s) - t0)) -lt 60 ] && [ -d \"$datadir\" ] && kill -0 \"$pg\" 2>/dev/null && ! claimed; do sleep 1; done",
            "    since=$(date +%s)",
            "    while ours && [ $(($(date +%s) - since)) -le \"$linger\" ]; do",
            "      sleep 1",
            // A JVM that came wrote a line: a read that merely ended in a later second tells nothing.
            "      came=",
            "      while read -r line <&3; do came=1; done",
            "      if [ -n \"$came\" ]; then since=$(date +%s); fi",
            "    done",
            "    kill -0 \"$pg\" 2>/dev/null || exit 0",
            "    if ! ours; then kill -QUIT \"$pg\"; exit 0; fi",
            "    : > \"$datadir/" + STOPPING + "\"",
            "    came=",
            "    while read -r line <&3; do came=1; done",
            "    if [ -z \"$came\" ] || ! ours; then break; fi",
            "    rm -f \"$datadir/" + STOPPING + "\"",
            "  done",
            "  if ! ours; then kill -QUIT \"$pg\" 2>/dev/null; exit 0; fi",
            "  echo \"" + NAME + ": no JVM uses this server any more; stopping it (PID $pg)\"",
            "  kill -INT \"$pg\" 2>/dev/null",
            "  i=0",
            "  while [ \"$i\" -lt 10 ] && kill -0 \"$pg\" 2>/dev/null; do sleep 1; i=$((i + 1)); done",
            "  kill -QUIT \"$pg\" 2>/dev/null",
            ") &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$pg\"",
            "status=$?",
            "while kill -0 \"$pg\" 2>/dev/null; do wait \"$pg\"; status=$?; done", // a signal ended the wait
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    private static final Path SH = Path.of("/bin/sh");

    private Watchdog() {}

    /** Whether servers run under the watchdog on this machine. */
    static boolean available() {
        return File.separatorChar == '/' && Files.isExecutable(SH) && mkfifo().isPresent();
    }

    /** The watchdog's pipe of the server on {@code dataDirectory}. */
    static Path pipe(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + SUFFIX);
    }

    /**
     * Makes a new pipe for a server about to start on {@code dataDirectory}, readable by the server's OS
     * user, and holds it.
     */
    static Hold create(Path dataDirectory, OsUser osUser) throws IOException {
        Path pipe = pipe(dataDirectory);
        Files.deleteIfExists(pipe);
        List<String> command = List.of(mkfifo().orElseThrow().toString(), "-m", "600", pipe.toString());
        try {
            Process p =
                    ChildProcesses.builder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mkfifo failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while making " + pipe, e);
        }
        osUser.own(pipe);
        return new Hold(FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Holds the pipe of a running server on {@code dataDirectory}, if it has one. */
    static Optional<Hold> join(Path dataDirectory) {
        Path pipe = pipe(dataDirectory);
        if (!Files.exists(pipe, LinkOption.NOFOLLOW_LINKS)
                || Files.isRegularFile(pipe, LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(pipe, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            // Read and write: opening a pipe for writing alone would wait for a reader, forever if there is none.
            return Optional.of(new Hold(FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code postmaster} was started by a watchdog that still runs. */
    static boolean watches(ProcessHandle postmaster) {
        return script(postmaster).isPresent();
    }

    /** The arguments of the watchdog script that started {@code postmaster}, while it runs ({@link #wrap}). */
    private static Optional<List<String>> script(ProcessHandle postmaster) {
        return postmaster
                .parent()
                .filter(Processes::running)
                .flatMap(p -> p.info().arguments())
                .map(List::of)
                .filter(args -> args.contains(NAME));
    }

    /**
     * The command line that runs {@code command} under the watchdog of the pipe of {@code dataDirectory},
     * which this JVM must hold before it starts the process.
     *
     * @param dataDirectory the server's data directory
     * @param linger how long the server stays up once no JVM holds the pipe, in whole seconds
     * @param command the postmaster's command line
     * @return the command line to start instead
     */
    static List<String> wrap(Path dataDirectory, Duration linger, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(
                SH.toString(),
                "-c",
                SCRIPT,
                NAME,
                pipe(dataDirectory).toString(),
                Long.toString(seconds(linger)),
                dataDirectory.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** {@code linger} in whole seconds, rounded up: a server never stops before its linger. */
    private static long seconds(Duration linger) {
        return (linger.toMillis() + 999) / 1000;
    }

    /**
     * The linger of the watchdog that started {@code postmaster}, from its command line ({@link #wrap}); empty
     * when none did, or its command line cannot be read.
     */
    static Optional<Duration> linger(ProcessHandle postmaster) {
        return script(postmaster)
                .filter(args -> args.indexOf(NAME) + 2 < args.size())
                .flatMap(args -> {
                    try {
                        return Optional.of(Duration.ofSeconds(Long.parseLong(args.get(args.indexOf(NAME) + 2))));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                });
    }

    private static Optional<Path> mkfifo() {
        return java.util.stream.Stream.of("/usr/bin/mkfifo", "/bin/mkfifo")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * This JVM's hold on a server: while any JVM holds its pipe, the server runs. Closing the last hold
     * stops the server.
     */
    static final class Hold implements AutoCloseable {

        private final FileChannel channel;

        private Hold(FileChannel channel) {
            this.channel = channel;
        }

        /** Tells the watchdog that a JVM came or left: its linger starts again from now. */
        void announce() {
            try {
                channel.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
            } catch (IOException e) {
                // the watchdog is gone: nothing lingers
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
