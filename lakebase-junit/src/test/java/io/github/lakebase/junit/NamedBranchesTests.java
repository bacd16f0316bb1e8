package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.database;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@code name} qualifies a branch: different names, different databases; one name, one branch per test. */
class NamedBranchesTests {

    @Test
    void differentNamesAreDifferentDatabasesAndTheSameNameIsTheSameBranch() {
        TwoNamesTestCase.SEEN.clear();

        Fixtures.runDropping(TwoNamesTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));

        Map<String, String> seen = TwoNamesTestCase.SEEN;
        assertThat(seen).containsOnlyKeys("a", "b", "aAgain", "aField", "unnamed");
        assertThat(seen.get("a")).isNotEqualTo(seen.get("b")).isNotEqualTo(seen.get("unnamed"));
        assertThat(seen.get("b")).isNotEqualTo(seen.get("unnamed"));
        assertThat(seen.get("aAgain")).as("the same name twice in one test").isEqualTo(seen.get("a"));
        assertThat(seen.get("aField"))
                .as("a field and a parameter of the same name")
                .isEqualTo(seen.get("a"));
        assertThat(TwoNamesTestCase.BRANCHES)
                .hasSize(2)
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @Test
    void eachTestGetsItsOwnBranchOfAName() {
        SameNameInTwoTestsTestCase.SEEN.clear();

        Fixtures.runDropping(SameNameInTwoTestsTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(SameNameInTwoTestsTestCase.SEEN)
                .hasSize(2)
                .extracting(Branch::name)
                .doesNotHaveDuplicates();

        // Restored in place, the second test may get the first one's database under its name: what it holds is
        // what matters, and each test of the fixture checks that it sees the base's three rows.
        Fixtures.assertAllSucceeded(Fixtures.run(SameNameInTwoTestsTestCase.class), 2);
    }

    @Test
    void aFieldAndAParameterOfOneNameAgreeUnderAnAnnotatedMethod() {
        NamedUnderAnnotatedMethodTestCase.SEEN.clear();

        var results = Fixtures.run(NamedUnderAnnotatedMethodTestCase.class);

        assertThat(Fixtures.failures(results)).isEmpty();
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(NamedUnderAnnotatedMethodTestCase.SEEN)
                .hasSize(2)
                .containsOnly(NamedUnderAnnotatedMethodTestCase.SEEN.get(0));
    }

    @Test
    void conflictingDeclarationsOfOneNameAreAConfigurationError() {
        ExtensionConfigurationException error = Fixtures.onlyConfigurationError(Fixtures.run(ConflictTestCase.class));

        assertThat(error.getMessage())
                .contains("\"a\"", "different settings", "cleanup = ALWAYS", "cleanup = ON_SUCCESS")
                .contains("Give one of them another name, or make them agree");
    }

    @LakebaseBranch
    static class TwoNamesTestCase {

        static final Map<String, String> SEEN = new ConcurrentHashMap<>();
        static final List<Branch> BRANCHES = new CopyOnWriteArrayList<>();

        @LakebaseBranch(name = "a")
        DataSource aField;

        @Test
        void compare(
                @LakebaseBranch(name = "a") DataSource a,
                @LakebaseBranch(name = "b") DataSource b,
                @LakebaseBranch(name = "a") Branch aAgain,
                Branch unnamed)
                throws SQLException {
            BRANCHES.add(aAgain);
            BRANCHES.add(unnamed);
            SEEN.put("a", database(a));
            SEEN.put("b", database(b));
            SEEN.put("aAgain", aAgain.name());
            SEEN.put("aField", database(aField));
            SEEN.put("unnamed", unnamed.name());

            execute(a, "DELETE FROM inventory WHERE id = 1");
            execute(b, "ALTER TABLE inventory ADD COLUMN only_in_b text");

            assertThat(count(a, "SELECT count(*) FROM inventory")).isEqualTo(2);
            assertThat(count(aAgain.dataSource(), "SELECT count(*) FROM inventory"))
                    .isEqualTo(2);
            assertThat(count(b, "SELECT count(*) FROM inventory"))
                    .as("a's change is invisible in b")
                    .isEqualTo(3);
            assertThat(count(unnamed.dataSource(), "SELECT count(*) FROM inventory"))
                    .isEqualTo(3);
            assertThat(count(a, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'only_in_b'"))
                    .as("b's change is invisible in a")
                    .isZero();
            assertThat(count(b, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'only_in_b'"))
                    .isOne();
        }
    }

    static class SameNameInTwoTestsTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void one(@LakebaseBranch(name = "a") Branch a) throws SQLException {
            SEEN.add(a);
            assertThat(count(a.dataSource(), "SELECT count(*) FROM inventory")).isEqualTo(3);
            execute(a.dataSource(), "DELETE FROM inventory");
        }

        @Test
        void two(@LakebaseBranch(name = "a") Branch a) throws SQLException {
            SEEN.add(a);
            assertThat(count(a.dataSource(), "SELECT count(*) FROM inventory")).isEqualTo(3);
            execute(a.dataSource(), "DELETE FROM inventory");
        }
    }

    static class NamedUnderAnnotatedMethodTestCase {

        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @LakebaseBranch(name = "a")
        DataSource aField;

        @Test
        @LakebaseBranch(cleanup = CleanupMode.ALWAYS)
        void test(@LakebaseBranch(name = "a") DataSource aParameter) throws SQLException {
            SEEN.add(database(aField));
            SEEN.add(database(aParameter));
        }
    }

    static class ConflictTestCase {

        @Test
        void conflict(
                @LakebaseBranch(name = "a", cleanup = CleanupMode.ALWAYS) DataSource first,
                @LakebaseBranch(name = "a", cleanup = CleanupMode.ON_SUCCESS) DataSource second) {
            // never runs
        }
    }
}
