package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.internal.embedded.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A test JVM started by {@link HoldBranchesMain}, for a test to kill: every wait is bounded, and
 * {@link #destroy} kills whatever of it is left, also the processes it started and that outlived it.
 */
final class ChildJvm {

    /**
     * The longest wait for anything a child does (report, finish, see its processes end); a child that needs
     * longer fails the test. Generous, since a child runs a whole JUnit run of its own, and a loaded two-core
     * machine runs it several times slower.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final String name;
    private final Process process;
    private final Path reportFile;
    private final Path log;
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    private ChildJvm(String name, Process process, Path reportFile, Path log) {
        this.name = name;
        this.process = process;
        this.reportFile = reportFile;
        this.log = log;
        seen.add(process.toHandle());
    }

    /**
     * How a child JVM is started: through a command that sets up its process (a {@code umask}, another
     * OS user), and on which class path.
     *
     * @param prefix the command line that runs the JVM's, e.g. {@code sh -c 'umask 077; exec "$@"' sh}
     * @param classPath the JVM's class path
     */
    record Launcher(List<String> prefix, String classPath) {

        /** The JVM started directly, on this JVM's class path. */
        static Launcher direct() {
            return through();
        }

        /** The JVM started through {@code prefix}, on this JVM's class path. */
        static Launcher through(String... prefix) {
            return new Launcher(List.of(prefix), System.getProperty("java.class.path"));
        }
    }

    /**
     * Starts a JVM that runs {@code fixture} with the {@code configuration} parameters.
     *
     * @param work where the child's report and log go
     * @param name a name for messages and files
     * @param jvmOptions further JVM options, e.g. {@code -Djava.io.tmpdir=...}
     * @param environment further environment variables, e.g. a password; a {@code null} value removes one
     */
    static ChildJvm start(
            Path work,
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment)
            throws IOException {
        return start(work, name, fixture, configuration, jvmOptions, environment, Launcher.direct());
    }

    /** Starts a JVM as {@link #start(Path, String, Class, Map, List, Map)} does, the way {@code launcher} says. */
    static ChildJvm start(
            Path work,
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            Launcher launcher)
            throws IOException {
        return start(work, name, fixture, configuration, jvmOptions, environment, launcher, List.of(), null);
    }

    /**
     * Starts a JVM as {@link #start(Path, String, Class, Map, List, Map)} does, with {@code classPathFirst}
     * ahead of the test class path and {@code workingDirectory} as its working directory ({@code null} for this
     * JVM's).
     */
    static ChildJvm start(
            Path work,
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            List<Path> classPathFirst,
            Path workingDirectory)
            throws IOException {
        return start(
                work,
                name,
                fixture,
                configuration,
                jvmOptions,
                environment,
                Launcher.direct(),
                classPathFirst,
                workingDirectory);
    }

    /** Starts a JVM as {@link #start(Path, String, Class, Map, List, Map)} does, in full. */
    static ChildJvm start(
            Path work,
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            Launcher launcher,
            List<Path> classPathFirst,
            Path workingDirectory)
            throws IOException {
        Path reportFile = work.resolve(name + ".report");
        Path log = work.resolve(name + ".log");
        List<String> command = new ArrayList<>(launcher.prefix());
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-D" + HoldBranchesMain.CHILD_PROPERTY + "=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                classPath(classPathFirst, launcher.classPath()),
                HoldBranchesMain.class.getName(),
                fixture.getName(),
                reportFile.toString()));
        configuration.forEach((k, v) -> command.add(k + "=" + v));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The child's configuration is what the test gives it, not what this JVM's environment says. Its cache is
        // the test's own, unless the test names one (or none: ChildJvms.defaultCache): the default data directory of
        // a child is then shared with the test's other children alone, never with a child of a test that runs at
        // the same time, whose end kills every process its children started, a server they share included. The
        // binaries are those this JVM's servers use, unpacked already.
        builder.environment().keySet().removeIf(key -> key.startsWith("LAKEBASE_"));
        if (!environment.containsKey(ChildJvms.CACHE_VARIABLE)) {
            builder.environment()
                    .put(ChildJvms.CACHE_VARIABLE, work.resolve("cache").toString());
            builder.environment()
                    .put(
                            "LAKEBASE_EMBEDDED_BINARIES_DIRECTORY",
                            ChildJvms.sharedBinaries().toString());
        }
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        Process process = builder.start();
        return new ChildJvm(name, process, reportFile, log);
    }

    private static String classPath(List<Path> first, String rest) {
        List<String> entries = new ArrayList<>();
        first.forEach(p -> entries.add(p.toAbsolutePath().toString()));
        entries.add(rest);
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** Waits until the fixture has reported, and returns the report. */
    Report awaitReport() throws Exception {
        return awaitReport("");
    }

    /** Waits until the fixture has made the report {@code name} ({@link HoldBranchesMain#report(Branch, Map, String)}). */
    Report awaitReport(String name) throws Exception {
        Path file = HoldBranchesMain.reportFile(reportFile, name);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                assertThat(lines).as("the report of %s", name).last().isEqualTo("ready");
                return new Report(lines);
            }
            if (!process.isAlive()) {
                fail(name + " exited (code " + process.exitValue() + ") without a report:\n" + logTail());
            }
            remember();
            Thread.sleep(50);
        }
        return fail(name + " did not report within " + TIMEOUT + ":\n" + logTail());
    }

    /** Lets the fixture go on past {@link HoldBranchesMain#awaitGo(String) awaitGo(signal)}. */
    void go(String signal) throws IOException {
        Files.createFile(HoldBranchesMain.reportFile(reportFile, "go-" + signal));
    }

    /** Waits for the child to finish by itself, and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail(name + " did not finish within " + TIMEOUT + ":\n" + logTail());
        }
        return process.exitValue();
    }

    /** {@code kill -9} of the JVM alone: the processes it started live on. */
    void killJvm() throws InterruptedException {
        remember();
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("%s is gone", name)
                .isTrue();
    }

    /** {@code kill -9} of the JVM and of every process it started, as a CI runner's timeout does. */
    void killJvmAndItsProcesses() throws InterruptedException {
        remember();
        List<ProcessHandle> all = process.descendants().toList();
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("%s is gone", name)
                .isTrue();
        assertThat(awaitStopped(all)).as("processes of %s still running", name).isEmpty();
    }

    /** The child's output so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The last lines of the child's output. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Kills the child and every process it was seen to start, where still running. */
    void destroy() {
        remember();
        List<ProcessHandle> alive = seen.stream().filter(ChildJvm::running).toList();
        alive.forEach(ProcessHandle::destroyForcibly);
        awaitStopped(alive);
    }

    /**
     * Whether {@code process} runs. An exited process that its parent has not reaped yet (a zombie) does
     * not: orphans are reaped by init, and some containers' init never reaps them.
     */
    static boolean running(ProcessHandle process) {
        return Processes.running(process);
    }

    /** Waits, at most {@link #TIMEOUT}, until none of {@code processes} runs; returns those that still do. */
    static List<ProcessHandle> awaitStopped(List<ProcessHandle> processes) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ProcessHandle> left = processes.stream().filter(ChildJvm::running).toList();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = left.stream().filter(ChildJvm::running).toList();
        }
        return left;
    }

    private void remember() {
        if (process.isAlive()) {
            process.descendants().forEach(seen::add);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** What a fixture saw, as {@link HoldBranchesMain#report} wrote it. */
    record Report(List<String> lines) {

        String dataDirectory() {
            return value("datadir");
        }

        String adminUrl() {
            return value("url");
        }

        String run() {
            return value("run");
        }

        String role(String role) {
            return lines.stream()
                    .filter(l -> l.startsWith("role " + role + " "))
                    .map(l -> l.split(" ")[2])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no role " + role + " in " + lines));
        }

        /** The databases with the library's comment, as {@code <name> <run> <kind>}. */
        List<String> databases() {
            return lines.stream()
                    .filter(l -> l.startsWith("database "))
                    .map(l -> l.substring("database ".length()))
                    .toList();
        }

        /** The bases and parents kept for later runs, as {@code <name> <kind>}. */
        List<String> kept() {
            return lines.stream()
                    .filter(l -> l.startsWith("kept "))
                    .map(l -> l.substring("kept ".length()))
                    .toList();
        }

        /** The databases of {@code run}, as {@code <name> <kind>}. */
        List<String> databasesOf(String run) {
            return databases().stream()
                    .map(d -> d.split(" "))
                    .filter(d -> d[1].equals(run))
                    .map(d -> d[0] + " " + d[2])
                    .toList();
        }

        /** A value the fixture reported ({@link HoldBranchesMain#report(Branch, Map, Map)}). */
        String reported(String key) {
            return value("value " + key);
        }

        private String value(String key) {
            return lines.stream()
                    .filter(l -> l.startsWith(key + " "))
                    .map(l -> l.substring(key.length() + 1))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + key + " in " + lines));
        }
    }
}
