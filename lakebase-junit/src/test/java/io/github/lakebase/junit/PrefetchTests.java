package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code lakebase.prefetch}: branches are forked ahead while tests run, a test takes one that is ready
 * (where branches are restored in place, as here, under the name it has: a spare's, connected ahead, or an
 * earlier test's, restored with its connections), and what a test sees is what a fork on demand would give it.
 * Each test here has a server of its own (an unusual {@code max-connections}), so that it sees the
 * spares of its fixture only.
 */
class PrefetchTests {

    /**
     * The branches forked ahead that no test has taken: named after no test, and recorded as spares, or as test
     * branches where a session is opened on them ahead of their test (never renamed, they are recorded as they are
     * forked).
     */
    private static final String SPARES = "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database') "
            + "~ '^lakebase-junit run=[a-z0-9]+ kind=(spare|branch)$' AND datname ~ '^lbj_[a-z0-9]+_[0-9]+$' "
            + "ORDER BY datname";

    @Test
    void aTestTakesABranchPreparedWhileTheTestBeforeItRan() {
        SequentialTestCase.SPARES_SEEN_BY_FIRST.clear();
        SequentialTestCase.NAMES.clear();
        SequentialTestCase.DATABASES.clear();
        SequentialTestCase.ON_SERVER_AFTER.clear();

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        SequentialTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "41", "lakebase.prefetch", "2")),
                3);

        List<String> spares = SequentialTestCase.SPARES_SEEN_BY_FIRST;
        // Two, or one where the first test's branch will come back restored in the second's place: its fork took
        // long enough for it to read the base (SpareMaker.READ_FIRST_MILLIS), which a busy machine can make it take.
        assertThat(spares).as("spares ready while the first test ran").hasSizeBetween(1, 2);
        assertThat(SequentialTestCase.NAMES.get("first")).isNotIn(spares);
        Map<String, Long> databases = SequentialTestCase.DATABASES;
        for (String[] test : new String[][] {{"second", "first"}, {"third", "second"}}) {
            // Forked ahead, or an earlier test's branch restored in place (which keeps its database): which one a
            // test takes depends on which is ready first. None is forked on demand.
            assertThat(databases.get(test[0]))
                    .as("the database of the %s test, among those on the server as the %s ended", test[0], test[1])
                    .isIn(SequentialTestCase.ON_SERVER_AFTER.get(test[1]));
            // Never renamed while a session is open on it, as a rename would end it: a spare's name, whether forked
            // ahead or restored; or the first test's own branch, restored, where its fork took long enough for it to
            // read the base before its test (SpareMaker.READ_FIRST_MILLIS), which a busy machine can make it take:
            // under its own name, or, restored without sessions (the first test opened none), under its new test's.
            String test0 = test[0];
            assertThat(SequentialTestCase.NAMES.get(test0))
                    .as("the branch of the %s test (%s)", test0, databases)
                    .satisfiesAnyOf(
                            name -> assertThat(name).matches("lbj_[a-z0-9]+_\\d+"),
                            name -> assertThat(name).isEqualTo(SequentialTestCase.NAMES.get("first")),
                            name -> {
                                assertThat(databases.get(test0)).isEqualTo(databases.get("first"));
                                assertThat(name).matches("lbj_[a-z0-9]+_\\d+_" + test0);
                            });
        }
    }

    @Test
    void withPrefetchZeroEveryBranchIsForkedOnDemand() {
        OnDemandTestCase.SPARES.clear();

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        OnDemandTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "42", "lakebase.prefetch", "0")),
                2);

        assertThat(OnDemandTestCase.SPARES).as("spares seen by the tests").isEmpty();
    }

    /**
     * The spares forked ahead while a base's first test runs, once they are ready: two with {@code lakebase.prefetch=2},
     * or one where that test's branch, restorable, will come back in the second's place (which is held back). Waits
     * up to 30 s for the first, then up to 5 s for a second.
     */
    static List<String> awaitSparesAhead(Branch branch) throws SQLException, InterruptedException {
        awaitSpares(branch, 1, Duration.ofSeconds(30));
        return awaitSpares(branch, 2, Duration.ofSeconds(5));
    }

    /** The spares on the server of {@code branch}, once there are {@code expected} of them (at most {@code patience}). */
    private static List<String> awaitSpares(Branch branch, int expected, Duration patience)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<String> spares = spares(branch);
        while (spares.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            spares = spares(branch);
        }
        return spares;
    }

    static List<String> spares(Branch branch) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c =
                        DriverManager.getConnection(Fixtures.adminUrl(branch), branch.username(), branch.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SPARES)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SequentialTestCase {

        static final List<String> SPARES_SEEN_BY_FIRST = new CopyOnWriteArrayList<>();
        static final Map<String, String> NAMES = new ConcurrentHashMap<>();
        /** Per test, its database's oid. */
        static final Map<String, Long> DATABASES = new ConcurrentHashMap<>();
        /** Per test, the oids of the databases on the server as it ended. */
        static final Map<String, List<Long>> ON_SERVER_AFTER = new ConcurrentHashMap<>();

        @Test
        @Order(1)
        void first(Branch branch) throws Exception {
            NAMES.put("first", branch.name());
            DATABASES.put("first", oid(branch)); // looked up by name: a session on it would change how it comes back
            SPARES_SEEN_BY_FIRST.addAll(awaitSparesAhead(branch));
            ON_SERVER_AFTER.put("first", databases(branch));
        }

        @Test
        @Order(2)
        void second(Branch branch, DataSource dataSource) throws SQLException {
            NAMES.put("second", branch.name());
            DATABASES.put("second", oid(dataSource));
            assertThat(Fixtures.database(dataSource)).isEqualTo(branch.name());
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            execute(dataSource, "DELETE FROM inventory");
            ON_SERVER_AFTER.put("second", databases(branch));
        }

        @Test
        @Order(3)
        void third(Branch branch, DataSource dataSource) throws SQLException {
            NAMES.put("third", branch.name());
            DATABASES.put("third", oid(dataSource));
            assertThat(count(dataSource, "SELECT count(*) FROM inventory"))
                    .as("untouched by the test before")
                    .isEqualTo(3);
        }

        private static long oid(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                return RestoreInPlaceTests.databaseOid(c);
            }
        }

        /** The oid of the database of {@code branch}, looked up on the server without a session on it. */
        private static long oid(Branch branch) throws SQLException {
            try (Connection c = DriverManager.getConnection(
                            Fixtures.adminUrl(branch), branch.username(), branch.password());
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT oid FROM pg_database WHERE datname = '" + branch.name() + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** The oids of the databases on the server of {@code branch}. */
        private static List<Long> databases(Branch branch) throws SQLException {
            List<Long> oids = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(
                            Fixtures.adminUrl(branch), branch.username(), branch.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT oid FROM pg_database")) {
                while (rs.next()) {
                    oids.add(rs.getLong(1));
                }
            }
            return oids;
        }
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OnDemandTestCase {

        static final List<String> SPARES = new CopyOnWriteArrayList<>();

        @Test
        @Order(1)
        void first(Branch branch) throws Exception {
            Thread.sleep(500); // as long as a prefetch would need to show
            SPARES.addAll(spares(branch));
        }

        @Test
        @Order(2)
        void second(Branch branch) throws Exception {
            SPARES.addAll(spares(branch));
        }
    }
}
