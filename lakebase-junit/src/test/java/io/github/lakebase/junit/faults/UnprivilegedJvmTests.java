package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A test JVM of a normal, unprivileged user with a home of its own (a developer's machine, a CI image
 * that runs as a non-root user): the server runs as that user, and its files go to the user's cache,
 * where a second JVM finds what the first kept. Tests that run as root run the JVM as {@code nobody}.
 */
@Isolated("a cold start: unpacking the binaries takes the CPU of a busy machine longer than a child may take")
class UnprivilegedJvmTests {

    private static final String USER = "nobody";

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("unprivileged-");

    @Test
    void aJvmOfAnUnprivilegedUserGetsAWorkingBranchAndKeepsItsFilesInItsOwnCache() throws Exception {
        boolean root = ChildJvms.runningAsRoot();
        Path home = Files.createDirectory(jvms.work().resolve("home"));
        Path reports = Files.createDirectory(jvms.work().resolve("reports"));
        ChildJvm.Launcher launcher = ChildJvm.Launcher.direct();
        if (root) {
            handToUser(home);
            handToUser(reports);
            String uid = Integer.toString((Integer) Files.getAttribute(home, "unix:uid"));
            String gid = Integer.toString((Integer) Files.getAttribute(home, "unix:gid"));
            launcher = new ChildJvm.Launcher(
                    List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"),
                    readableClassPath(Files.createDirectory(jvms.work().resolve("classpath"))));
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> environment = new HashMap<>();
        environment.put("HOME", home.toString());
        environment.put("XDG_CACHE_HOME", null);
        environment.put(ChildJvms.CACHE_VARIABLE, null);

        ChildJvm cold = jvms.start(
                reports, "cold", KilledRunTests.NextRunTestCase.class, Map.of(), List.of(), environment, launcher);
        ChildJvm.Report first = cold.awaitReport();
        assertThat(cold.awaitExit())
                .as("the first run passes:\n%s", cold.logTail())
                .isZero();
        Path dataDirectory = Path.of(first.dataDirectory());
        assertThat(dataDirectory.startsWith(home.resolve(".cache").resolve("lakebase-junit")))
                .as("%s is in the user's cache", dataDirectory)
                .isTrue();
        assertThat(Files.getOwner(dataDirectory)).isEqualTo(Files.getOwner(home));

        ChildJvm warm = jvms.start(
                reports, "warm", KilledRunTests.NextRunTestCase.class, Map.of(), List.of(), environment, launcher);
        ChildJvm.Report second = warm.awaitReport();
        assertThat(warm.awaitExit())
                .as("the second run passes:\n%s", warm.logTail())
                .isZero();
        assertThat(second.dataDirectory()).isEqualTo(first.dataDirectory());
        assertThat(warm.log())
                .as("the second JVM forks from the base the first one kept")
                .doesNotContain("Built base")
                .contains("Reusing base");
    }

    private static void handToUser(Path path) throws IOException {
        UserPrincipal user =
                path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
        Files.setOwner(path, user);
    }

    /**
     * This JVM's class path, linked (or copied) where {@link #USER} can read it: a build as root keeps its
     * dependencies under {@code /root}, which others cannot enter.
     */
    private static String readableClassPath(Path directory) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = directory.resolve(n++ + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                try (var tree = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) tree::iterator) {
                        Path copy = target.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(copy);
                        } else {
                            Files.copy(p, copy);
                        }
                    }
                }
            } else {
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, target);
                }
            }
            entries.add(target.toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
