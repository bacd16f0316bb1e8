package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** When a branch is destroyed, and that a kept branch is usable and logged without its password. */
class CleanupModeTests {

    @Test
    void alwaysDestroysPassingAndFailingTestsBranchesWhateverTheConfigurationSays() {
        AlwaysTestCase.SEEN.clear();

        Fixtures.runDropping(AlwaysTestCase.class, Map.of("lakebase.cleanup", "NEVER"))
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(1).failed(1));

        assertThat(AlwaysTestCase.SEEN).containsOnlyKeys("passes", "fails");
        assertThat(AlwaysTestCase.SEEN.values())
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @Test
    void neverKeepsTheBranchWithItsData() throws SQLException {
        NeverTestCase.SEEN.clear();

        Fixtures.runDropping(NeverTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));

        Branch kept = NeverTestCase.SEEN.get("test");
        try {
            assertThat(reachable(kept)).as("a NEVER branch is kept").isTrue();
            try (var c = kept.openConnection()) {
                assertThat(count(c, "SELECT count(*) FROM inventory"))
                        .as("with the test's change")
                        .isEqualTo(2);
            }
        } finally {
            Fixtures.drop(kept);
        }
        assertThat(reachable(kept)).isFalse();
    }

    @Test
    @ResourceLock(value = Resources.SYSTEM_ERR, mode = ResourceAccessMode.READ_WRITE)
    void onSuccessKeepsOnlyTheFailedTestsBranchAndLogsHowToConnectWithoutThePassword() throws SQLException {
        OnSuccessTestCase.SEEN.clear();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Fixtures.runDropping(OnSuccessTestCase.class)
                    .testEvents()
                    .assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        } finally {
            System.setErr(original);
        }

        Branch passed = OnSuccessTestCase.SEEN.get("passes");
        Branch failed = OnSuccessTestCase.SEEN.get("fails");
        try {
            assertThat(reachable(passed))
                    .as("the passing test's branch is destroyed")
                    .isFalse();
            assertThat(reachable(failed)).as("the failed test's branch is kept").isTrue();
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(log)
                    .as("the log says which branch is kept and how to connect")
                    .contains(failed.name(), failed.jdbcUrl(), failed.username());
            assertThat(log).as("the log never shows the password").doesNotContain(failed.password());
        } finally {
            Fixtures.drop(failed);
        }
    }

    @Test
    void defaultDefersToTheConfigurationParameter() throws SQLException {
        DefaultTestCase.SEEN.clear();

        Fixtures.runDropping(DefaultTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        Branch unconfigured = DefaultTestCase.SEEN.remove("test");
        Fixtures.runDropping(DefaultTestCase.class, Map.of("lakebase.cleanup", "never"))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        Branch configured = DefaultTestCase.SEEN.remove("test");

        try {
            assertThat(reachable(unconfigured))
                    .as("destroyed when lakebase.cleanup is not set")
                    .isFalse();
            assertThat(reachable(configured))
                    .as("kept with lakebase.cleanup=never")
                    .isTrue();
        } finally {
            Fixtures.drop(configured);
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.ALWAYS)
    static class AlwaysTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void passes(Branch branch) {
            SEEN.put("passes", branch);
        }

        @Test
        void fails(Branch branch) {
            SEEN.put("fails", branch);
            fail("on purpose");
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.NEVER)
    static class NeverTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void test(Branch branch) throws SQLException {
            SEEN.put("test", branch);
            execute(branch.dataSource(), "DELETE FROM inventory WHERE id = 1");
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS)
    static class OnSuccessTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void passes(Branch branch) {
            SEEN.put("passes", branch);
        }

        @Test
        void fails(Branch branch) {
            SEEN.put("fails", branch);
            fail("on purpose");
        }
    }

    @LakebaseBranch
    static class DefaultTestCase {

        static final Map<String, Branch> SEEN = new ConcurrentHashMap<>();

        @Test
        void test(Branch branch) {
            SEEN.put("test", branch);
        }
    }
}
