package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test that fails with {@code cleanup = ON_SUCCESS}, on the default configuration (the persistent data
 * directory of the user's cache), logs one command; run after its JVM has exited, that command starts the
 * server again and prints how to reach the failed test's data; a test run meanwhile joins that server.
 */
class KeptBranchAfterExitTests {

    private static final String LEAD = "keeps its server up until interrupted): ";

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("kept-after-exit-");

    @Test
    void theLoggedCommandReachesTheFailedTestsDataAfterItsJvmExited() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put(ChildJvms.CACHE_VARIABLE, jvms.work().resolve("cache").toString());
        environment.put(
                "LAKEBASE_EMBEDDED_BINARIES_DIRECTORY",
                ChildJvms.sharedBinaries().toString());
        ChildJvm failing = jvms.start("failing", FailingTestCase.class, Map.of(), List.of(), environment);
        assertThat(failing.awaitExit())
                .as("the fixture fails:\n%s", failing.logTail())
                .isEqualTo(1);
        String log = failing.log();
        assertThat(log).as("one line says how to reach the branch").contains(LEAD);
        String line = log.lines().filter(l -> l.contains(LEAD)).findFirst().orElseThrow();
        assertThat(line).contains("Kept branch lbj_", "FailingTestCase.fails()", "It expires at ");
        String command = line.substring(line.indexOf(LEAD) + LEAD.length()).trim();

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "exec " + command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("LAKEBASE_"));
        builder.environment().putAll(environment);
        Process connect = builder.start();
        jvms.killAfterwards(connect.toHandle());
        Map<String, String> printed = new HashMap<>();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(connect.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String l; !printed.containsKey("psql:") && (l = out.readLine()) != null; ) {
            seen.append(l).append('\n');
            int colon = l.indexOf(": ");
            if (colon > 0) {
                printed.put(l.substring(0, colon + 1), l.substring(colon + 1).trim());
            }
        }
        assertThat(printed).as("what connect printed:\n%s", seen).containsKeys("JDBC URL:", "User:", "Password:");
        String url = printed.get("JDBC URL:");
        try (Connection c = DriverManager.getConnection(url, printed.get("User:"), printed.get("Password:"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM inventory")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the failed test's data").isEqualTo(1);
        }
        Process psql = new ProcessBuilder("sh", "-c", printed.get("psql:") + " -Atc 'SELECT count(*) FROM inventory'")
                .redirectErrorStream(true)
                .start();
        if (psql.waitFor(60, TimeUnit.SECONDS) && Files.isExecutable(Path.of("/usr/bin/psql"))) {
            assertThat(new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                    .as("the printed psql command")
                    .isEqualTo("1");
        }

        ChildJvm meanwhile = jvms.start("meanwhile", PassingTestCase.class, Map.of(), List.of(), environment);
        assertThat(meanwhile.awaitExit())
                .as("a run meanwhile passes:\n%s", meanwhile.logTail())
                .isZero();
        assertThat(meanwhile.log()).doesNotContain("left running");
        try (Connection c = DriverManager.getConnection(url, printed.get("User:"), printed.get("Password:"))) {
            assertThat(c.isValid(5))
                    .as("the server connect keeps up is still up")
                    .isTrue();
        }
        connect.destroy();
        if (!connect.waitFor(60, TimeUnit.SECONDS)) {
            fail("connect did not stop when interrupted");
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS)
    static class FailingTestCase {

        @Test
        void fails(Branch branch) throws Exception {
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM inventory WHERE id > 1");
            }
            fail("on purpose");
        }
    }

    @LakebaseBranch
    static class PassingTestCase {

        @Test
        void passes(Branch branch) throws Exception {
            try (Connection c = branch.openConnection()) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }
}
