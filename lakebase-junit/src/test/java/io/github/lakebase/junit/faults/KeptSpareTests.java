package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs one after another on a persistent data directory: a run keeps a spare of its kept base as it ends, and the next
 * run takes it as its first branch instead of forking one; the branch holds exactly what the base holds (rows and
 * sequences), though the spare served tests that changed both and was restored in place. A base built again takes its
 * kept spare with it: the next run forks.
 */
class KeptSpareTests {

    /** The base's rows and sequences, as {@link #state} reads them. */
    static final String BASE = "item 1:apple 2:pear 3:plum; item_id_seq 3 true; ticket 100 false";

    private static final Pattern TAKEN =
            Pattern.compile("Branch (\\S+) is the spare (\\S+) of base (\\S+) that an earlier run kept");

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("kept-spare-");

    @Test
    void theNextRunTakesTheSpareARunKeptAsItsFirstBranch() throws Exception {
        Map<String, String> configuration = shop();

        Run cold = run("cold", configuration);
        assertThat(cold.log()).contains("Built base").contains("Kept spare ").doesNotContain("is the spare");

        Run warm = run("warm", configuration);
        Matcher taken = TAKEN.matcher(warm.log());
        assertThat(taken.find())
                .as("the warm run took the spare:\n%s", warm.log())
                .isTrue();
        assertThat(taken.group(1))
                .as("the spare is the first test's branch")
                .isEqualTo(warm.report().reported("first"));
        assertThat(warm.report().reported("state")).isEqualTo(BASE);
        assertThat(warm.log()).as("it keeps one again as it ends").contains("Kept spare " + taken.group(2));

        Map<String, String> rebuilding = new HashMap<>(configuration);
        rebuilding.put("lakebase.rebuild-bases", "true");
        Run rebuilt = run("rebuilt", rebuilding);
        assertThat(rebuilt.log())
                .contains("Dropped the kept base " + taken.group(3))
                .as("the spare went with its base")
                .doesNotContain("is the spare")
                .contains("Kept spare " + taken.group(2));

        Run after = run("after", configuration);
        assertThat(after.log()).containsPattern(TAKEN);
        assertThat(after.report().reported("state")).isEqualTo(BASE);
    }

    /**
     * A test that leaves a thread writing to its branch after it ended (an asynchronous job that connects with the
     * branch's URL on its own) writes into a spare once its branch was restored with its connections, under its name:
     * the next run still finds exactly the base.
     */
    @Test
    void writesToASpareAfterItsTestEndedAreNotCarriedIntoTheNextRun() throws Exception {
        Map<String, String> configuration = shop();

        Run leaking = run("leaking", configuration, LeakingTestCase.class);
        assertThat(leaking.log()).contains("Kept spare ");
        assertThat(Integer.parseInt(leaking.report().reported("leaked")))
                .as("rows the job wrote after its test ended")
                .isPositive();

        Run next = run("next", configuration);
        assertThat(next.log()).containsPattern(TAKEN);
        assertThat(next.report().reported("state")).isEqualTo(BASE);
    }

    /** The configuration of a project whose one migration makes the base, on a data directory of its own. */
    private Map<String, String> shop() throws IOException {
        Path migrations = Files.createDirectories(jvms.work().resolve("migrations"));
        Files.writeString(
                migrations.resolve("V1__shop.sql"),
                "CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL);\n"
                        + "INSERT INTO item (name) VALUES ('apple'), ('pear'), ('plum');\n"
                        + "CREATE SEQUENCE ticket START 100;\n");
        return Map.of(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString(),
                "lakebase.migrations",
                "filesystem:" + migrations);
    }

    private Run run(String name, Map<String, String> configuration) throws Exception {
        return run(name, configuration, ChangingTestCase.class);
    }

    private Run run(String name, Map<String, String> configuration, Class<?> fixture) throws Exception {
        ChildJvm child = jvms.start(name, fixture, configuration, java.util.List.of(), Map.of());
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit())
                .as("the %s run passes:\n%s", name, child.logTail())
                .isZero();
        return new Run(report, child.log());
    }

    private record Run(ChildJvm.Report report, String log) {}

    /** The rows of {@code item} and the state of the base's sequences, on {@code c}. */
    static String state(Connection c) throws SQLException {
        StringBuilder state = new StringBuilder("item");
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, name FROM item ORDER BY id")) {
                while (rs.next()) {
                    state.append(' ').append(rs.getLong(1)).append(':').append(rs.getString(2));
                }
            }
            for (String sequence : new String[] {"item_id_seq", "ticket"}) {
                try (ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
                    rs.next();
                    state.append("; ")
                            .append(sequence)
                            .append(' ')
                            .append(rs.getLong(1))
                            .append(' ')
                            .append(rs.getBoolean(2));
                }
            }
        }
        return state.toString();
    }

    /**
     * Tests that find the base as it is; the second leaves a thread that, from shortly after it ended, writes to its
     * branch through connections of its own opened with the branch's URL, as an asynchronous job would, until the JVM
     * exits. The second's branch comes back restored with its pool's session, and keeps its name, so the job writes into
     * a spare, or into the branch of a later test of the run: the last two find what they find, and the last reports
     * how many rows the job wrote.
     */
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.MethodName.class)
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class LeakingTestCase {

        private static final AtomicInteger LEAKED = new AtomicInteger();

        @Test
        void a(Branch branch) throws Exception {
            findsTheBase(branch);
        }

        @Test
        void b(Branch branch) throws Exception {
            // Through its pool: the branch comes back restored with the pool's session open, under its name.
            try (Connection c = branch.dataSource().getConnection()) {
                assertThat(state(c)).isEqualTo(BASE);
            }
            Thread.sleep(1500);
            String url = branch.jdbcUrl();
            String user = branch.username();
            String password = branch.password();
            Thread job = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    for (int i = 0; i < 1000; i++) {
                        try (Connection c = DriverManager.getConnection(url, user, password);
                                Statement s = c.createStatement()) {
                            s.execute("INSERT INTO item (name) VALUES ('leaked')");
                            LEAKED.incrementAndGet();
                        } catch (SQLException e) {
                            // renamed or dropped meanwhile: try again
                        }
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            job.setDaemon(true);
            job.start();
        }

        @Test
        void c(Branch branch) throws Exception {
            assertThat(branch.name()).isNotEmpty(); // a branch of its own, which the job may reach
            Thread.sleep(1500);
        }

        @Test
        void d(Branch branch) throws Exception {
            Thread.sleep(3000);
            HoldBranchesMain.report(branch, Map.of(), Map.of("leaked", String.valueOf(LEAKED.get())));
        }

        private static void findsTheBase(Branch branch) throws SQLException {
            try (Connection c = branch.openConnection()) {
                assertThat(state(c)).isEqualTo(BASE);
            }
        }
    }

    /**
     * Tests that each find the base as it is, then change its rows and sequences: their branches come back restored in
     * place, as spares for later tests. The first reports its branch and what it found.
     */
    @LakebaseBranch
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class ChangingTestCase {

        @RepeatedTest(4)
        void findsTheBaseAndChangesIt(Branch branch, RepetitionInfo repetition) throws Exception {
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement()) {
                String found = state(c);
                if (repetition.getCurrentRepetition() == 1) {
                    HoldBranchesMain.report(branch, Map.of(), Map.of("first", branch.name(), "state", found));
                }
                assertThat(found).isEqualTo(BASE);
                s.execute("DELETE FROM item WHERE name = 'pear'");
                s.execute("INSERT INTO item (name) VALUES ('fig')");
                s.execute("UPDATE item SET name = upper(name)");
                s.execute("SELECT nextval('ticket')");
            }
        }
    }
}
