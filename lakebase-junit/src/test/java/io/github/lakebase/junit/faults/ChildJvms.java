package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lakebase.junit.PersistentDataDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test JVMs of one test, and a work directory for their data, reports and logs: every child and
 * every process a test hands over is killed after the test, and the work directory deleted.
 *
 * <pre>{@code
 * @RegisterExtension final ChildJvms jvms = new ChildJvms("killed-run-");
 * ChildJvm first = jvms.start("first", HoldingTestCase.class, configuration, List.of(), Map.of());
 * }</pre>
 */
final class ChildJvms implements BeforeEachCallback, AfterEachCallback {

    /** The environment variable of {@code lakebase.embedded.cache-directory}. */
    static final String CACHE_VARIABLE = "LAKEBASE_EMBEDDED_CACHE_DIRECTORY";

    private final String prefix;
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<ProcessHandle> orphans = new ArrayList<>();
    private Path work;

    ChildJvms(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "finds server processes through /proc");
        Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"));
        work = Files.createTempDirectory(root, prefix);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        children.forEach(ChildJvm::destroy);
        orphans.stream().filter(ChildJvm::running).forEach(ProcessHandle::destroyForcibly);
        ChildJvm.awaitStopped(orphans);
        if (work != null) {
            PersistentDataDirectories.deleteTree(work);
        }
    }

    /** The work directory of this test. */
    Path work() {
        return work;
    }

    /** Starts a child JVM that runs {@code fixture}; it is killed after the test if it still runs. */
    ChildJvm start(
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment)
            throws IOException {
        return start(name, fixture, configuration, jvmOptions, environment, ChildJvm.Launcher.direct());
    }

    /**
     * Starts a child JVM that runs {@code fixture} the way {@code launcher} says; it is killed after the
     * test if it still runs.
     */
    ChildJvm start(
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            ChildJvm.Launcher launcher)
            throws IOException {
        return start(work, name, fixture, configuration, jvmOptions, environment, launcher);
    }

    /** Starts a child JVM as {@link #start(String, Class, Map, List, Map, ChildJvm.Launcher)} does, with its report in {@code directory}. */
    ChildJvm start(
            Path directory,
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            ChildJvm.Launcher launcher)
            throws IOException {
        ChildJvm child = ChildJvm.start(directory, name, fixture, configuration, jvmOptions, environment, launcher);
        children.add(child);
        return child;
    }

    /**
     * The binaries directory of the embedded servers this JVM starts itself, for a child JVM that need not
     * unpack the binaries again ({@code lakebase.embedded.binaries-directory}).
     */
    static Path sharedBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit", "binaries");
    }

    /**
     * {@code environment}, for a child JVM whose files go to the embedded server's default cache: without
     * the cache directory this JVM's tests use, which children otherwise keep.
     */
    static Map<String, String> defaultCache(Map<String, String> environment) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put(CACHE_VARIABLE, null);
        return all;
    }

    /** Whether this JVM runs as root: only then does the embedded server run as another OS user. */
    static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Starts a child JVM as {@link ChildJvm#start(Path, String, Class, Map, List, Map, List, Path)} does. */
    ChildJvm start(
            String name,
            Class<?> fixture,
            Map<String, String> configuration,
            List<String> jvmOptions,
            Map<String, String> environment,
            List<Path> classPathFirst,
            Path workingDirectory)
            throws IOException {
        ChildJvm child = ChildJvm.start(
                work, name, fixture, configuration, jvmOptions, environment, classPathFirst, workingDirectory);
        children.add(child);
        return child;
    }

    /** Kills {@code process} after the test if it still runs. */
    void killAfterwards(ProcessHandle process) {
        orphans.add(process);
    }

    /**
     * The server's postmaster: the process id on the first line of {@code postmaster.pid}, which the server writes
     * at start, checked against the process's command line.
     */
    static long postmaster(String datadir) {
        try {
            long pid = Long.parseLong(Files.readAllLines(Path.of(datadir, "postmaster.pid"))
                    .get(0)
                    .trim());
            assertThat(serverProcesses(datadir)).as("the server's processes").contains(pid);
            return pid;
        } catch (IOException e) {
            throw new AssertionError("cannot read the server's postmaster.pid in " + datadir, e);
        }
    }

    /** The PostgreSQL server processes (and their watchdogs) started on {@code datadir}. */
    static List<Long> serverProcesses(String datadir) {
        List<Long> pids = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if ((" " + cmdline + " ").contains(" -D " + datadir + " ")) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return pids;
    }
}
