package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.branching.BranchService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code lakebase.restore-in-place=true}: a branch whose test changed only rows and sequences is put back
 * to its base's state and handed to a later test instead of being dropped and forked again; a branch whose
 * test changed what rows cannot put back (the schema, the database's settings, a materialized view, large
 * objects, the statistics that tell what changed) is dropped as before. Every test of the fixture first
 * checks that it starts from exactly the base's state (rows, sequences, schema, settings), then changes it
 * its own way.
 */
@Execution(ExecutionMode.SAME_THREAD) // its fixtures note what they see in static fields
class RestoreInPlaceTests {

    private static final Map<String, String> SETTINGS = Map.of(
            "lakebase.embedded.max-connections", "44",
            "lakebase.prefetch", "1",
            "lakebase.restore-in-place", "true");

    /**
     * Runs {@code fixture} once and forgets what it recorded: the service for {@code configuration} then has the
     * fixture's base, with the base's rows read (the restores refill branches from them) and its review done. A branch
     * given back while the rows are still being read is dropped rather than restored (a new fork costs less than
     * waiting for the read), and how soon the read ends depends on the machine; so a test that counts restores
     * counts those of a second run.
     */
    static void readTheBase(Class<? extends Recording> fixture, Map<String, String> configuration, int tests) {
        Fixtures.assertAllSucceeded(Fixtures.run(fixture, configuration), tests);
        Recording.clear(fixture);
    }

    @Test
    void branchesWhoseTestsChangedOnlyRowsAreRestoredAndTakenAgainAndTheOthersAreDropped() {
        readTheBase(ShopTestCase.class, SETTINGS, 16);

        Fixtures.assertAllSucceeded(Fixtures.run(ShopTestCase.class, SETTINGS), 16);

        Map<String, Long> databases = Recording.databases(ShopTestCase.class);
        List<String> order = new ArrayList<>(databases.keySet());
        for (String test : List.of(
                "changesTheSchema",
                "changesOnlyAStorageParameter",
                "changesADatabaseSetting",
                "refreshesTheMaterializedView",
                "createsALargeObject",
                "resetsTheStatistics",
                "createsASubscription")) {
            List<Long> later = order.subList(order.indexOf(test) + 1, order.size()).stream()
                    .map(databases::get)
                    .toList();
            assertThat(later)
                    .as("databases of the tests after %s, which must not get its database again", test)
                    .doesNotContain(databases.get(test));
        }
        for (String test : List.of("writesALargeValue", "analyzes")) {
            List<Long> later = order.subList(order.indexOf(test) + 1, order.size()).stream()
                    .map(databases::get)
                    .toList();
            assertThat(later)
                    .as(
                            "databases of the tests after %s, which changed only rows (and TOAST or planner statistics),"
                                    + " restored: %s",
                            test, databases)
                    .contains(databases.get(test));
        }
        Map<Long, Integer> uses = new HashMap<>();
        databases.values().forEach(oid -> uses.merge(oid, 1, Integer::sum));
        assertThat(order.size() - uses.size())
                .as("tests that got a database an earlier test had used, restored: %s", databases)
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void withRestoreInPlaceOffEveryTestGetsANewFork() {
        Recording.clear(ShopTestCase.class);

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ShopTestCase.class,
                        Map.of(
                                // As the test above: the key alone must give a service of its own.
                                "lakebase.embedded.max-connections", "44",
                                "lakebase.prefetch", "1",
                                "lakebase.restore-in-place", "false")),
                16);

        assertThat(Set.copyOf(Recording.databases(ShopTestCase.class).values()))
                .as("databases of the tests: %s", Recording.databases(ShopTestCase.class))
                .hasSize(16);
    }

    @Test
    void sequencesNotCalledXmlDeclarationsAndTablesReferencedByPartitionedTablesAreRestored() {
        Map<String, String> settings = Map.of("lakebase.embedded.max-connections", "46", "lakebase.prefetch", "1");
        readTheBase(EdgeTestCase.class, settings, 6);

        Fixtures.assertAllSucceeded(Fixtures.run(EdgeTestCase.class, settings), 6);

        Map<String, Long> databases = Recording.databases(EdgeTestCase.class);
        assertThat(List.of(databases.get("reads"), databases.get("readsAtTheEnd")))
                .as("tables with xml, and without a binary COPY format, are not restored: %s", databases)
                .doesNotContain(databases.get("changesTheXmlAndAclTables"));
        assertThat(databases.size() - Set.copyOf(databases.values()).size())
                .as("tests that got a database restored: %s", databases)
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void writesTheStatisticsDoNotCountAreNeverLeftForTheNextTest() {
        Recording.clear(QuietTestCase.class);

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        QuietTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "47", "lakebase.prefetch", "1")),
                6);
    }

    @Test
    void aLoginEventTriggerNeverSeesTheLibrarysOwnSessions() {
        Recording.clear(LoginTestCase.class);

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        LoginTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "48", "lakebase.prefetch", "1")),
                3);
    }

    /**
     * The base's state as a test sees it: every row of every table and view (ordered), the sequences,
     * the schema, the database's settings and its large objects.
     */
    static String state(Connection c) throws SQLException {
        return rows(
                c,
                "SELECT id, name, name_upper FROM customer ORDER BY id",
                "SELECT id, customer_id, placed FROM orders ORDER BY id",
                "SELECT id, what FROM audit_log ORDER BY id",
                "SELECT tableoid::regclass, id, at, payload FROM event ORDER BY id",
                "SELECT number, order_id, total FROM billing.invoice ORDER BY number",
                "SELECT n FROM customer_count",
                "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2",
                "SELECT a.attrelid::regclass, a.attname, a.atttypid::regtype, a.attnotnull FROM pg_attribute a "
                        + "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace IN ('public'::regnamespace, "
                        + "'billing'::regnamespace) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2",
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace IN "
                        + "('public'::regnamespace, 'billing'::regnamespace) ORDER BY 1, 2",
                "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
                "SELECT setrole, setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                        + "WHERE d.datname = current_database() ORDER BY 1",
                "SELECT count(*) FROM pg_largeobject_metadata",
                "SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid "
                        + "WHERE d.datname = current_database()");
    }

    /** The rows of {@code queries}, one line each. */
    static String rows(Connection c, String... queries) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String query : queries) {
            out.append(query).append('\n');
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(query)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        out.append(i > 1 ? " | " : "  ").append(rs.getString(i));
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    static long databaseOid(Connection c) throws SQLException {
        return Fixtures.count(c, "SELECT oid FROM pg_database WHERE datname = current_database()");
    }

    static void execute(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @ExtendWith(Recording.RestoresDone.class)
    static class ShopTestCase extends Recording {

        @Override
        String state(Connection c) throws SQLException {
            return RestoreInPlaceTests.state(c);
        }

        @Test
        @Order(1)
        void changesRowsEverywhere(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesRowsEverywhere")) {
                execute(
                        c,
                        "INSERT INTO customer (name) VALUES ('barbara')",
                        "UPDATE customer SET name = 'ada lovelace' WHERE id = 1",
                        "DELETE FROM billing.invoice WHERE number = 1",
                        "DELETE FROM orders WHERE id = 1",
                        "INSERT INTO orders (customer_id, placed) VALUES (4, '2026-07-08')",
                        "INSERT INTO event VALUES (3, '2025-12-31', '{}'), (4, '2026-12-31', null)",
                        "UPDATE event SET at = '2026-01-15' WHERE id = 1", // moves a row to the other partition
                        "SELECT nextval('ticket_seq'), nextval('invoice_seq')");
            }
        }

        @Test
        @Order(2)
        void truncatesEverything(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "truncatesEverything")) {
                execute(c, "TRUNCATE customer, audit_log, event CASCADE");
            }
        }

        @Test
        @Order(3)
        void rollsBack(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "rollsBack")) {
                c.setAutoCommit(false);
                execute(c, "INSERT INTO customer (name) VALUES ('rolled back')", "DELETE FROM event");
                c.rollback(); // the identity's sequence has moved all the same
            }
        }

        @Test
        @Order(4)
        void onlyReads(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "onlyReads")) {
                assertThat(Fixtures.count(c, "SELECT count(*) FROM customer")).isEqualTo(3);
            }
        }

        @Test
        @Order(5)
        void writesALargeValue(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesALargeValue")) {
                // Rows of the table's TOAST table too, which its statistics count apart from the table's.
                execute(
                        c,
                        "UPDATE customer SET name = (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 400) i) "
                                + "WHERE id = 3");
            }
        }

        @Test
        @Order(6)
        void analyzes(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "analyzes")) {
                execute(c, "DELETE FROM audit_log", "ANALYZE customer, audit_log"); // writes rows of pg_statistic
            }
        }

        @Test
        @Order(7)
        void changesTheSchema(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesTheSchema")) {
                execute(c, "ALTER TABLE customer ADD COLUMN email text", "DELETE FROM audit_log");
            }
        }

        @Test
        @Order(8)
        void changesOnlyAStorageParameter(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesOnlyAStorageParameter")) {
                execute(c, "ALTER TABLE customer SET (fillfactor = 70)"); // writes one row of pg_class, no other
            }
        }

        @Test
        @Order(9)
        void changesADatabaseSetting(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesADatabaseSetting")) {
                execute(
                        c,
                        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = ''7MB''', "
                                + "current_database()); END $$");
            }
        }

        @Test
        @Order(10)
        void changesRowsAgain(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesRowsAgain")) {
                execute(c, "DELETE FROM billing.invoice", "UPDATE orders SET placed = placed + 1");
            }
        }

        @Test
        @Order(11)
        void refreshesTheMaterializedView(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "refreshesTheMaterializedView")) {
                execute(c, "INSERT INTO customer (name) VALUES ('edsger')", "REFRESH MATERIALIZED VIEW customer_count");
            }
        }

        @Test
        @Order(12)
        void createsALargeObject(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "createsALargeObject")) {
                execute(c, "SELECT lo_create(0)");
            }
        }

        @Test
        @Order(13)
        void resetsTheStatistics(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "resetsTheStatistics")) {
                execute(c, "DELETE FROM audit_log", "SELECT pg_stat_reset()");
            }
        }

        @Test
        @Order(14)
        void createsASubscription(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "createsASubscription")) {
                execute(
                        c,
                        "CREATE PUBLICATION shop_pub FOR TABLE customer",
                        "CREATE SUBSCRIPTION shop_sub "
                                + "CONNECTION 'dbname=nowhere' PUBLICATION shop_pub WITH (connect = false, enabled = false, "
                                + "create_slot = false, slot_name = NONE)");
            }
        }

        @Test
        @Order(15)
        void leavesItsConnectionOpen(DataSource dataSource) throws SQLException {
            Connection c = begin(dataSource, "leavesItsConnectionOpen");
            c.setAutoCommit(false);
            execute(c, "DELETE FROM orders WHERE id = 2", "SELECT nextval('ticket_seq')");
            c.commit();
            execute(c, "UPDATE customer SET name = 'still connected'"); // left in an open transaction
        }

        @Test
        @Order(16)
        void onlyReadsAtTheEnd(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "onlyReadsAtTheEnd")) {
                assertThat(Fixtures.count(c, "SELECT count(*) FROM orders")).isEqualTo(3);
            }
        }
    }

    /**
     * A fixture whose tests each check that they start from the state its first test saw (a fresh fork: the
     * base's state by definition), and note which database they got, in the order they ran.
     */
    abstract static class Recording {

        /**
         * Before each test takes its branch, waits until the branches of the tests before it have been restored
         * (or dropped), so that a restored branch is ready when the next test comes: a test that finds no branch
         * ready takes whichever is ready first, and on a loaded machine that is often a new fork.
         */
        static final class RestoresDone implements TestInstancePreConstructCallback {
            @Override
            public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) {
                BranchService.awaitRunEnd();
            }
        }

        private static final Map<Class<?>, Map<String, Long>> DATABASES = new HashMap<>();
        private static final Map<Class<?>, String> BASES = new HashMap<>();

        /** The state a test of this fixture sees. */
        abstract String state(Connection c) throws SQLException;

        /** Forgets what the fixture's last run saw, before it runs again. */
        static void clear(Class<? extends Recording> fixture) {
            DATABASES.remove(fixture);
            BASES.remove(fixture);
        }

        /** The database each test of the fixture's last run got, by test, in the order they ran. */
        static Map<String, Long> databases(Class<? extends Recording> fixture) {
            return DATABASES.computeIfAbsent(fixture, f -> new LinkedHashMap<>());
        }

        Connection begin(DataSource dataSource, String test) throws SQLException {
            Connection c = dataSource.getConnection();
            String now = state(c);
            BASES.putIfAbsent(getClass(), now);
            assertThat(now).as("the state %s starts from", test).isEqualTo(BASES.get(getClass()));
            databases(getClass()).put(test, databaseOid(c));
            return c;
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-edge")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @ExtendWith(Recording.RestoresDone.class)
    static class EdgeTestCase extends Recording {

        @Override
        String state(Connection c) throws SQLException {
            return rows(
                    c,
                    "SELECT id, name FROM item ORDER BY id",
                    "SELECT last_value, is_called FROM item_id_seq",
                    "SELECT last_value, is_called FROM never_called_seq",
                    "SELECT id, body::text FROM doc ORDER BY id",
                    "SELECT code FROM region ORDER BY code",
                    "SELECT id, region, at FROM sale ORDER BY id",
                    "SELECT id, acl::text FROM grant_log ORDER BY id");
        }

        @Test
        @Order(1)
        void changesRowsAndSequences(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesRowsAndSequences")) {
                execute(
                        c,
                        "INSERT INTO item (name) VALUES ('new')",
                        "SELECT setval('never_called_seq', 500, false)",
                        "INSERT INTO doc VALUES (2, '<b/>')",
                        "DELETE FROM sale",
                        "DELETE FROM region WHERE code = 'north'");
            }
        }

        @Test
        @Order(2)
        void insertsAnItem(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "insertsAnItem")) {
                execute(
                        c,
                        "INSERT INTO item (name) VALUES ('takes the next id')",
                        "SELECT setval('never_called_seq', 7)");
            }
        }

        @Test
        @Order(3)
        void changesTheRegions(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesTheRegions")) {
                execute(c, "INSERT INTO region VALUES ('east')", "UPDATE sale SET region = 'east'");
            }
        }

        @Test
        @Order(4)
        void changesTheXmlAndAclTables(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "changesTheXmlAndAclTables")) {
                execute(c, "DELETE FROM grant_log", "INSERT INTO doc VALUES (3, '<c/>')");
            }
        }

        @Test
        @Order(5)
        void reads(DataSource dataSource) throws SQLException {
            begin(dataSource, "reads").close();
        }

        @Test
        @Order(6)
        void readsAtTheEnd(DataSource dataSource) throws SQLException {
            begin(dataSource, "readsAtTheEnd").close();
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-quiet")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class QuietTestCase extends Recording {

        @Override
        String state(Connection c) throws SQLException {
            return rows(c, "SELECT id, body FROM note ORDER BY id");
        }

        @Test
        @Order(1)
        void writesUncounted(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesUncounted")) {
                execute(c, "SELECT quiet_insert(2)");
            }
        }

        @Test
        @Order(2)
        void writesUncountedAgain(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesUncountedAgain")) {
                execute(c, "SELECT quiet_insert(3)");
            }
        }

        @Test
        @Order(3)
        void writesUncountedOnceMore(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesUncountedOnceMore")) {
                execute(c, "SELECT quiet_insert(4)");
            }
        }

        @Test
        @Order(4)
        void writesUncountedAndCounted(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "writesUncountedAndCounted")) {
                execute(c, "SELECT quiet_insert(5)", "UPDATE note SET body = 'counted'");
            }
        }

        @Test
        @Order(5)
        void reads(DataSource dataSource) throws SQLException {
            begin(dataSource, "reads").close();
        }

        @Test
        @Order(6)
        void readsAgain(DataSource dataSource) throws SQLException {
            begin(dataSource, "readsAgain").close();
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-login")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LoginTestCase extends Recording {

        @Override
        String state(Connection c) throws SQLException {
            return rows(c, "SELECT count(*) FROM login_log", "SELECT last_value FROM login_log_id_seq");
        }

        @Test
        @Order(1)
        void logsIn(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "logsIn")) {
                execute(c, "DELETE FROM login_log");
            }
        }

        @Test
        @Order(2)
        void logsInAgain(DataSource dataSource) throws SQLException {
            try (Connection c = begin(dataSource, "logsInAgain")) {
                execute(c, "DELETE FROM login_log");
            }
        }

        @Test
        @Order(3)
        void logsInOnceMore(DataSource dataSource) throws SQLException {
            begin(dataSource, "logsInOnceMore").close();
        }
    }
}
