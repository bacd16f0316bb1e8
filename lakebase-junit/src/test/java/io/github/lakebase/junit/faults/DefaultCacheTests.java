package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The default cache, as a fresh CI runner meets it: two test JVMs that start at once on an empty cache
 * unpack the binaries once and share one server on the cache's data directory; and a JVM that runs as
 * root, whose home the server's OS user cannot enter, keeps its files where that user can reach them,
 * and says where, and why.
 */
@Isolated("a cold start: unpacking the binaries takes the CPU of a busy machine longer than a child may take")
class DefaultCacheTests {

    private static final Pattern CHOSEN = Pattern.compile("lakebase-junit keeps its files in (\\S+): ");

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("default-cache-");

    @Test
    void twoJvmsStartingAtOnceOnAnEmptyCacheShareItsBinariesAndItsServer() throws Exception {
        Path xdg = Files.createDirectory(jvms.work().resolve("xdg"));
        Files.setPosixFilePermissions(xdg, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = ChildJvms.defaultCache(Map.of("XDG_CACHE_HOME", xdg.toString()));

        ChildJvm a = jvms.start("a", SharedDataDirectoryTests.SharingTestCase.class, Map.of(), List.of(), environment);
        ChildJvm b = jvms.start("b", SharedDataDirectoryTests.SharingTestCase.class, Map.of(), List.of(), environment);
        ChildJvm.Report seenByA = a.awaitReport();
        ChildJvm.Report seenByB = b.awaitReport();

        Path cache = xdg.resolve("lakebase-junit");
        assertThat(Path.of(seenByA.dataDirectory()).startsWith(cache.resolve("clusters")))
                .as("%s is the cache's", seenByA.dataDirectory())
                .isTrue();
        assertThat(seenByB.dataDirectory()).isEqualTo(seenByA.dataDirectory());
        assertThat(seenByB.adminUrl()).as("one server").isEqualTo(seenByA.adminUrl());
        try (var versions = Files.list(cache.resolve("binaries"))) {
            assertThat(versions.filter(Files::isDirectory))
                    .as("the binaries, unpacked once")
                    .hasSize(1);
        }

        a.go("1");
        a.go("2");
        assertThat(a.awaitExit()).as("a passes:\n%s", a.logTail()).isZero();
        assertThat(ChildJvms.serverProcesses(seenByA.dataDirectory()))
                .as("the server, left to b")
                .isNotEmpty();
        b.go("1");
        b.go("2");
        assertThat(b.awaitExit()).as("b passes:\n%s", b.logTail()).isZero();
        assertThat(ChildJvms.serverProcesses(seenByA.dataDirectory()))
                .as("stopped by the last one to leave")
                .isEmpty();
    }

    @Test
    void aJvmAsRootWhoseHomeTheServerCannotEnterKeepsItsFilesWhereItCanAndSaysSo() throws Exception {
        assumeTrue(ChildJvms.runningAsRoot(), "the server runs as another OS user only when the JVM runs as root");
        Path home = Files.createDirectory(jvms.work().resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> environment = new HashMap<>();
        environment.put("HOME", home.toString());
        environment.put("XDG_CACHE_HOME", null);
        environment.put(ChildJvms.CACHE_VARIABLE, null);

        // A temporary data directory, deleted at exit, and binaries unpacked already: of this test, the machine's
        // cache keeps empty directories and the time of its last collection.
        ChildJvm child = jvms.start(
                "root",
                KilledRunTests.NextRunTestCase.class,
                Map.of(
                        "lakebase.embedded.data-directory",
                        "temporary",
                        "lakebase.embedded.binaries-directory",
                        ChildJvms.sharedBinaries().toString()),
                List.of(),
                environment);
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit()).as("the run passes:\n%s", child.logTail()).isZero();

        String log = child.log();
        Matcher chosen = CHOSEN.matcher(log);
        assertThat(chosen.find())
                .as("the log says where the files go:\n%s", log)
                .isTrue();
        Path cache = Path.of(chosen.group(1));
        assertThat(cache).isIn(Path.of("/var/cache/lakebase-junit"), Path.of("/var/tmp/lakebase-junit-0"));
        assertThat(log)
                .contains("cannot reach " + home.resolve(".cache").resolve("lakebase-junit"))
                .contains(home + " is not searchable by others")
                .contains("lakebase.embedded.cache-directory");
        assertThat(Path.of(report.dataDirectory()).startsWith(cache.resolve("data")))
                .as("%s is in %s", report.dataDirectory(), cache)
                .isTrue();
    }
}
