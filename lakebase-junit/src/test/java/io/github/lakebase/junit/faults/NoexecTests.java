package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Filesystems mounted {@code noexec}, as {@code /tmp} is on hardened machines and many CI images: the
 * library runs nothing from {@code java.io.tmpdir}, and where the binaries themselves cannot run, the
 * message says why and which key moves them. Where this JVM may not mount a filesystem, a directory whose
 * programs cannot run for another reason (no execute permission, or out of the server's reach) stands in
 * for it.
 */
@Isolated("a cold start: unpacking the binaries takes the CPU of a busy machine longer than a child may take")
class NoexecTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("noexec-");

    @Test
    void aJvmWhoseTemporaryDirectoryIsOnANoexecFilesystemGetsAWorkingBranch() throws Exception {
        Path tmp = Files.createDirectory(jvms.work().resolve("tmp"));
        boolean mounted = mountNoexec(tmp);
        try {
            if (!mounted) {
                // Nothing in it can run as the server's OS user: root's private directory, or one this user
                // cannot write to.
                Files.setPosixFilePermissions(
                        tmp, PosixFilePermissions.fromString(ChildJvms.runningAsRoot() ? "rwx------" : "r-x------"));
            }
            Path cache = Files.createDirectory(jvms.work().resolve("cache"));
            ChildJvm child = jvms.start(
                    "tmp",
                    KilledRunTests.NextRunTestCase.class,
                    Map.of(),
                    List.of("-Djava.io.tmpdir=" + tmp),
                    ChildJvms.defaultCache(Map.of("XDG_CACHE_HOME", cache.toString())));
            child.awaitReport();
            assertThat(child.awaitExit())
                    .as("the run passes:\n%s", child.logTail())
                    .isZero();
        } finally {
            unmount(tmp, mounted);
        }
    }

    @Test
    void binariesThatCannotRunAreReportedWithTheUsualCausesAndTheKeyToChange() throws Exception {
        Path binaries = Files.createDirectory(jvms.work().resolve("binaries"));
        boolean mounted = mountNoexec(binaries);
        try {
            if (!mounted) {
                copyWithoutExecutePermission(installedVersion(), binaries);
            }
            ChildJvm child = jvms.start(
                    "binaries",
                    KilledRunTests.NextRunTestCase.class,
                    Map.of(
                            "lakebase.embedded.binaries-directory",
                            binaries.toString(),
                            "lakebase.embedded.data-directory",
                            jvms.work().resolve("pgdata").toString()),
                    List.of(),
                    Map.of());
            assertThat(child.awaitExit())
                    .as("the run fails:\n%s", child.logTail())
                    .isNotZero();

            assertThat(child.log())
                    .contains("noexec")
                    .contains("execute permission")
                    .contains("architecture")
                    .contains("shared librar")
                    .contains("Set lakebase.embedded.binaries-directory")
                    .contains(binaries.toString())
                    .contains(mounted ? binaries + " is mounted noexec" : "has no execute permission");
        } finally {
            unmount(binaries, mounted);
        }
    }

    /** Mounts a small tmpfs with {@code noexec} on {@code directory}; whether this JVM may. */
    private static boolean mountNoexec(Path directory) throws IOException, InterruptedException {
        return run("mount", "-t", "tmpfs", "-o", "noexec,size=256m,mode=0755", "lakebase-noexec", directory.toString());
    }

    private static void unmount(Path directory, boolean mounted) throws IOException, InterruptedException {
        if (mounted && !run("umount", directory.toString())) {
            run("umount", "-l", directory.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no mount program
        }
    }

    /**
     * A complete version of the binaries that this JVM's own servers use, unpacked by a child JVM into
     * the shared binaries directory when none is there yet.
     */
    private Path installedVersion() throws Exception {
        Path shared = ChildJvms.sharedBinaries();
        if (complete(shared).isEmpty()) {
            ChildJvm unpacking = jvms.start(
                    "unpacking",
                    KilledRunTests.NextRunTestCase.class,
                    Map.of(
                            "lakebase.embedded.binaries-directory",
                            shared.toString(),
                            "lakebase.embedded.data-directory",
                            jvms.work().resolve("unpacking").toString()),
                    List.of(),
                    Map.of());
            assertThat(unpacking.awaitExit())
                    .as("the run that unpacks:\n%s", unpacking.logTail())
                    .isZero();
        }
        return complete(shared).orElseThrow();
    }

    private static java.util.Optional<Path> complete(Path binaries) throws IOException {
        if (!Files.isDirectory(binaries)) {
            return java.util.Optional.empty();
        }
        try (var versions = Files.list(binaries)) {
            return versions.filter(v -> v.getFileName().toString().matches("postgres-[0-9.]+-.*-[0-9a-f]{8}"))
                    .filter(v -> Files.exists(v.resolve(".complete")))
                    .findFirst();
        }
    }

    /** Copies {@code version} into {@code binaries}, its programs without execute permission. */
    private static void copyWithoutExecutePermission(Path version, Path binaries) throws IOException {
        Path target = binaries.resolve(version.getFileName());
        try (var tree = Files.walk(version)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path copy = target.resolve(version.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, copy, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        try (var programs = Files.list(target.resolve("bin"))) {
            for (Path program : (Iterable<Path>) programs::iterator) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(program);
                permissions.removeAll(Set.of(
                        PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(program, permissions);
            }
        }
        Files.writeString(target.resolve(".complete"), "", StandardCharsets.UTF_8);
    }
}
