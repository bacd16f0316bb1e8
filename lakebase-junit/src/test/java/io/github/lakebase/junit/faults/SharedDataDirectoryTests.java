package io.github.lakebase.junit.faults;

import static io.github.lakebase.junit.faults.ChildJvms.serverProcesses;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two test JVMs on one persistent data directory at once (surefire's {@code forkCount=2}, or two
 * builds): they share one server, build each base once between them, and the server stops when the
 * last of them is gone, whether it exits or is killed.
 */
class SharedDataDirectoryTests {

    /** How long a server may outlive the last JVM using it when that JVM is killed. */
    private static final Duration SERVER_STOPS_WITHIN = Duration.ofSeconds(60); // an upper bound on a hang

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("shared-");

    @Test
    void twoJvmsShareOneServerThatOutlivesTheFirstToLeaveAndBuildEachBaseOnce() throws Exception {
        Two two = startTwo();
        ChildJvm a = two.a();
        ChildJvm b = two.b();
        ChildJvm.Report seenByA = two.seenByA();
        ChildJvm.Report seenByB = two.seenByB();

        assertThat(seenByB.adminUrl()).as("one server").isEqualTo(seenByA.adminUrl());
        assertThat(seenByB.run()).isNotEqualTo(seenByA.run());
        assertThat(seenByB.kept())
                .as("one parent and one base, built by one of them")
                .isEqualTo(seenByA.kept())
                .hasSize(2);
        assertThat(count("Building parent 'staging'", a, b)).isEqualTo(1);
        assertThat(count("Built base", a, b)).isEqualTo(1);

        a.go("1");
        a.go("2");
        assertThat(a.awaitExit()).as("a passes:\n%s", a.logTail()).isZero();
        String datadir = seenByA.dataDirectory();
        assertThat(serverProcesses(datadir)).as("the server, left to b").isNotEmpty();

        b.go("1");
        assertThat(b.awaitReport("after").adminUrl())
                .as("b forks on the same server after a left")
                .isEqualTo(seenByA.adminUrl());
        b.go("2");
        assertThat(b.awaitExit()).as("b passes:\n%s", b.logTail()).isZero();
        assertThat(serverProcesses(datadir))
                .as("the last one to leave stopped the server")
                .isEmpty();
        assertThat(Path.of(datadir, "postmaster.pid")).doesNotExist();
    }

    @Test
    void aKilledJvmLeavesTheServerToTheOtherAndTheLastOneKilledStopsIt() throws Exception {
        Two two = startTwo();
        String datadir = two.seenByA().dataDirectory();

        two.a().killJvm();
        two.b().go("1");
        assertThat(two.b().awaitReport("after").adminUrl())
                .as("b forks on the same server after a was killed")
                .isEqualTo(two.seenByA().adminUrl());
        two.b().killJvm();
        assertServerStopsByItself(datadir);

        ChildJvm next = jvms.start("next", KilledRunTests.NextRunTestCase.class, configuration(), List.of(), Map.of());
        ChildJvm.Report after = next.awaitReport();
        assertThat(next.awaitExit())
                .as("the next run passes:\n%s", next.logTail())
                .isZero();
        assertThat(after.databases())
                .as("what is left of the killed runs, spares included")
                .allSatisfy(d -> assertThat(d).contains(" " + after.run() + " "));
        assertThat(after.kept()).isEqualTo(two.seenByA().kept());
    }

    @Test
    void twoSpellingsOfOneDataDirectoryShareOneServer() throws Exception {
        Path linked = Files.createSymbolicLink(
                jvms.work().resolve("linked"), jvms.work().resolve("pgdata"));
        Two two = startTwo(configuration(), configuration(linked.resolve(".").toString()));

        assertThat(two.seenByB().adminUrl())
                .as("one server, whichever way the directory is spelled")
                .isEqualTo(two.seenByA().adminUrl());
        two.a().go("1");
        two.a().go("2");
        assertThat(two.a().awaitExit()).as("a passes:\n%s", two.a().logTail()).isZero();
        two.b().go("1");
        assertThat(two.b().awaitReport("after").adminUrl())
                .as("b forks on the same server after a left")
                .isEqualTo(two.seenByA().adminUrl());
        two.b().go("2");
        assertThat(two.b().awaitExit()).as("b passes:\n%s", two.b().logTail()).isZero();
        assertServerStopsByItself(two.seenByA().dataDirectory());
        try (var siblings = Files.list(jvms.work())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .as("the lock, log and pipe of the directory under its own name only")
                    .noneMatch(name -> name.startsWith("linked") && !name.equals("linked"));
        }
    }

    /** Two JVMs started at once on one data directory, each running {@link SharingTestCase}, and what they saw. */
    private record Two(ChildJvm a, ChildJvm b, ChildJvm.Report seenByA, ChildJvm.Report seenByB) {}

    private Two startTwo() throws Exception {
        return startTwo(configuration(), configuration());
    }

    private Two startTwo(Map<String, String> forA, Map<String, String> forB) throws Exception {
        ChildJvm a = jvms.start("a", SharingTestCase.class, forA, List.of(), Map.of());
        ChildJvm b = jvms.start("b", SharingTestCase.class, forB, List.of(), Map.of());
        return new Two(a, b, a.awaitReport(), b.awaitReport());
    }

    private Map<String, String> configuration() {
        return configuration(jvms.work().resolve("pgdata").toString());
    }

    private Map<String, String> configuration(String dataDirectory) {
        return Map.of(
                "lakebase.embedded.data-directory", dataDirectory,
                "lakebase.embedded.max-connections", "60",
                "lakebase.parents", "staging",
                "lakebase.parent.staging.scripts", "classpath:parents/staging.sql",
                "lakebase.from", "staging");
    }

    private static long count(String text, ChildJvm... children) {
        long n = 0;
        for (ChildJvm child : children) {
            n += Pattern.compile(Pattern.quote(text))
                    .matcher(child.log())
                    .results()
                    .count();
        }
        return n;
    }

    private static void assertServerStopsByItself(String datadir) throws InterruptedException {
        long deadline = System.nanoTime() + SERVER_STOPS_WITHIN.toNanos();
        while (!serverProcesses(datadir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(serverProcesses(datadir))
                .as("processes of the server on %s, %s after the last JVM was killed", datadir, SERVER_STOPS_WITHIN)
                .isEmpty();
    }

    /** Reports, waits, then forks again and reports where, and waits again. */
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class SharingTestCase {

        @Test
        @Order(1)
        void reportsAndWaits(Branch branch) throws Exception {
            HoldBranchesMain.report(branch, Map.of("branch", branch.name()));
            HoldBranchesMain.awaitGo("1");
        }

        @Test
        @Order(2)
        void forksAgain(Branch branch, DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM inventory"))
                    .isEqualTo(3);
            HoldBranchesMain.report(branch, Map.of("branch", branch.name()), "after");
            HoldBranchesMain.awaitGo("2");
        }
    }
}
