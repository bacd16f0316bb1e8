package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A JVM that runs as root under {@code umask 077}: PostgreSQL runs as another OS user, who must reach
 * every directory the library creates for it, whatever the umask; and where it cannot reach one the
 * user chose, the message names the key to change and a place it can reach.
 */
@Isolated("a cold start: unpacking the binaries takes the CPU of a busy machine longer than a child may take")
class RestrictiveUmaskTests {

    /** Runs the JVM under {@code umask 077}, as a hardened shell or CI image does. */
    private static final ChildJvm.Launcher UMASK_077 =
            ChildJvm.Launcher.through("sh", "-c", "umask 077; exec \"$@\"", "sh");

    private static final Pattern EXAMPLE = Pattern.compile("for example under (\\S+?)[.,;]?(\\s|$)");

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("umask-");

    @Test
    void aJvmAsRootUnderUmask077GetsAWorkingBranch() throws Exception {
        assumeTrue(ChildJvms.runningAsRoot(), "the server runs as another OS user only when the JVM runs as root");
        Path tmp = Files.createDirectories(jvms.work().resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));

        ChildJvm child = jvms.start(
                "umask",
                KilledRunTests.NextRunTestCase.class,
                Map.of(),
                List.of("-Djava.io.tmpdir=" + tmp),
                ChildJvms.defaultCache(
                        Map.of("XDG_CACHE_HOME", jvms.work().resolve("cache").toString())),
                UMASK_077);
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit()).as("the run passes:\n%s", child.logTail()).isZero();

        Path dataDirectory = Path.of(report.dataDirectory());
        assertThat(dataDirectory.startsWith(jvms.work()))
                .as("%s is under %s", dataDirectory, jvms.work())
                .isTrue();
        for (Path p = dataDirectory.getParent(); !p.equals(jvms.work()); p = p.getParent()) {
            assertThat(Files.getPosixFilePermissions(p))
                    .as("the permissions of %s, which the library created on the way to the data directory", p)
                    .contains(PosixFilePermission.OTHERS_EXECUTE);
        }
    }

    @Test
    void aDirectoryTheServerCannotReachIsReportedWithItsKeyAndAPlaceItCanReach() throws Exception {
        assumeTrue(ChildJvms.runningAsRoot(), "the server runs as another OS user only when the JVM runs as root");
        Path hidden = Files.createDirectories(jvms.work().resolve("hidden"));
        Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
        Path tmp = Files.createDirectories(hidden.resolve("tmp"));
        Path dataDirectory = hidden.resolve("pgdata");

        ChildJvm child = jvms.start(
                "hidden",
                KilledRunTests.NextRunTestCase.class,
                Map.of(
                        "lakebase.embedded.data-directory", dataDirectory.toString(),
                        "lakebase.embedded.binaries-directory",
                                ChildJvms.sharedBinaries().toString()),
                List.of("-Djava.io.tmpdir=" + tmp), // so that advice to go under java.io.tmpdir would be wrong
                ChildJvms.defaultCache(
                        Map.of("XDG_CACHE_HOME", jvms.work().resolve("cache").toString())),
                UMASK_077);
        assertThat(child.awaitExit()).as("the run fails:\n%s", child.logTail()).isNotZero();

        String log = child.log();
        assertThat(log)
                .contains(dataDirectory + " cannot be reached by the OS user")
                .contains(hidden + " is not searchable by others")
                .contains("lakebase.embedded.data-directory");
        Matcher example = EXAMPLE.matcher(log);
        assertThat(example.find()).as("a place to go instead, in:\n%s", log).isTrue();
        Path suggested = Path.of(example.group(1));
        assertThat(suggested).as("the place suggested").isAbsolute();
        assertThat(suggested.startsWith(hidden))
                .as("%s is under the unreachable %s", suggested, hidden)
                .isFalse();
        for (Path p = suggested; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                assertThat(Files.getPosixFilePermissions(p))
                        .as("the permissions of %s, on the way to the place suggested", p)
                        .contains(PosixFilePermission.OTHERS_EXECUTE);
            }
        }
    }
}
