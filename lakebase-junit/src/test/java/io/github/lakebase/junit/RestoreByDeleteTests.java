package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A restore empties a small table with {@code DELETE} rather than {@code TRUNCATE}, which makes new files and
 * has every session rebuild what it caches of them: the table keeps its file from test to test, until it has
 * gathered enough dead rows that a TRUNCATE reclaims them, so that a table never grows without bound. A table
 * with a rule that a DELETE would run is truncated instead, whether the rule runs in every session (ENABLE
 * ALWAYS) or in ordinary ones only, as a restore's are unless a table has triggers. Either way every test starts
 * from the base's rows.
 */
@Execution(ExecutionMode.SAME_THREAD) // its fixtures note what they see in static fields
class RestoreByDeleteTests {

    /** Per test of a {@link ShelfTestCase}, in the order they ran: how many pages {@code shelf} took at its start. */
    private static final List<Long> SHELF_PAGES = new ArrayList<>();
    /** Per test of a {@link ShelfTestCase}, in the order they ran: the dead rows of {@code shelf} at its start. */
    private static final List<Long> SHELF_DEAD = new ArrayList<>();
    /** Per test of a {@link ShelfTestCase}, in the order they ran: {@code shelf}'s bytes, TOAST and indexes included. */
    private static final List<Long> SHELF_BYTES = new ArrayList<>();

    /** Per test, in the order they ran: its database, and the file of {@code stock} when it started. */
    private static final List<long[]> SEEN = new ArrayList<>();

    @Test
    void aSmallTableKeepsItsFileUntilItsDeadRowsAreReclaimedByATruncate() {
        SEEN.clear();
        RestoreInPlaceTests.Recording.clear(StockTestCase.class);

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        StockTestCase.class,
                        Map.of("lakebase.embedded.max-connections", "53", "lakebase.prefetch", "1")),
                12);

        // Each database's uses, in order: the file of stock at each.
        Map<Long, List<Long>> files = SEEN.stream()
                .collect(Collectors.groupingBy(s -> s[0], Collectors.mapping(s -> s[1], Collectors.toList())));
        int kept = 0;
        int renewed = 0;
        for (List<Long> uses : files.values()) {
            for (int i = 1; i < uses.size(); i++) {
                if (uses.get(i).equals(uses.get(i - 1))) {
                    kept++;
                } else {
                    renewed++;
                }
            }
        }
        assertThat(kept)
                .as("restores that emptied stock with DELETE, keeping its file (file per use, by database: %s)", files)
                .isGreaterThanOrEqualTo(2);
        assertThat(renewed)
                .as("restores that truncated stock once it had gathered enough dead rows (%s)", files)
                .isGreaterThanOrEqualTo(1);
    }

    /**
     * Emptied with DELETE, a table keeps the rows its test and the restore left dead until a TRUNCATE reclaims them,
     * and its next test reads past them: a test that rewrites each of its 100 rows at every run must never find it
     * holding more than about three row versions per row of its base (4 pages of 8 kB), as it would after a dozen
     * DELETEs.
     */
    @Test
    void aTableWhoseRowsTestsRewriteKeepsFewDeadRowsBesideThem() {
        assertShelfStaysSmall(RewriteTestCase.class, "57", 12);
    }

    /**
     * A test that adds thousands of rows to a small table leaves them for the restore to empty: with DELETE they
     * would all stay behind, dead, for the next test to read past; a TRUNCATE leaves none.
     */
    @Test
    void aTableATestFilledWithRowsIsTruncatedNotEmptiedRowByRow() {
        assertShelfStaysSmall(RestockTestCase.class, "58", 12);
    }

    /**
     * The dead rows a restore's DELETE left count too: a test that adds 150 rows to the table of 100 leaves 250 rows
     * for the DELETE to make dead, and the next test's 150 would take the table beyond two dead rows per row of the
     * base plus 64. No test may find more than three per row of the base plus 64 (what a DELETE within that limit
     * leaves).
     */
    @Test
    void theRowsARestoreDeletedCountAmongTheDeadRowsOfTheNextRestore() {
        assertShelfStaysSmall(TopUpTestCase.class, "59", 12);
        assertThat(SHELF_DEAD)
                .as("dead rows of shelf as each test found them, in the order they ran")
                .hasSize(24)
                .allSatisfy(dead -> assertThat(dead).isLessThanOrEqualTo(3 * 100 + 64));
    }

    /**
     * A value too large for the table's pages is stored out of line, in the table's TOAST table, as chunks that a
     * DELETE of its row leaves dead: one dead row in the table, hundreds of kilobytes beside it. A test that adds a
     * value of 1 MB to the small table must never find the table, with its TOAST table and indexes, above 1 MB: no
     * earlier test's value may stay behind, dead.
     */
    @Test
    void valuesATestStoredOutOfLineDoNotStayBehindDead() {
        assertShelfStaysSmall(LargeValueTestCase.class, "60", 12);
        assertThat(SHELF_BYTES)
                .as("bytes of shelf, its TOAST table and indexes as each test found them, in the order they ran")
                .hasSize(24)
                .allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(1 << 20));
    }

    /**
     * Runs {@code fixture}, whose {@code tests} tests must all succeed from the base's state, and checks that at least
     * a third of them got a database an earlier test had used, and that no test found {@code shelf} larger than 4
     * pages, in that run or in the one before it that has the base's rows read.
     */
    private static void assertShelfStaysSmall(
            Class<? extends ShelfTestCase> fixture, String maxConnections, int tests) {
        SHELF_PAGES.clear();
        SHELF_DEAD.clear();
        SHELF_BYTES.clear();
        assertRestored(fixture, maxConnections, tests, tests / 3);
        assertThat(SHELF_PAGES)
                .as("pages of shelf as each test found it, in the order they ran")
                .hasSize(2 * tests)
                .allSatisfy(pages -> assertThat(pages).isLessThanOrEqualTo(4));
    }

    @Test
    void aTableWithARuleADeleteWouldRunIsTruncatedAndStillRestored() {
        assertRestored(LedgerTestCase.class, "54", 6, 2);
    }

    @Test
    void aTableWithARuleOfOrdinarySessionsIsRestoredWithoutRunningIt() {
        assertRestored(JournalTestCase.class, "55", 6, 2);
    }

    @Test
    void aTableWhoseTestsEachChangeOneRowIsRestoredAfterEveryOne() {
        assertRestored(LabelTestCase.class, "56", 8, 4);
    }

    /**
     * Runs {@code fixture}, whose {@code tests} tests must all succeed (each checks that it starts from the base's
     * state), and checks that at least {@code restored} of them got a database an earlier test had used.
     */
    private static void assertRestored(
            Class<? extends RestoredTestCase> fixture, String maxConnections, int tests, int restored) {
        Map<String, String> settings =
                Map.of("lakebase.embedded.max-connections", maxConnections, "lakebase.prefetch", "1");
        RestoreInPlaceTests.readTheBase(fixture, settings, tests);

        Fixtures.assertAllSucceeded(Fixtures.run(fixture, settings), tests);

        Map<String, Long> databases = RestoreInPlaceTests.Recording.databases(fixture);
        assertThat(databases.size() - Set.copyOf(databases.values()).size())
                .as("tests that got a database an earlier test had used, restored: %s", databases)
                .isGreaterThanOrEqualTo(restored);
    }

    private static String stockState(Connection c) throws SQLException {
        return RestoreInPlaceTests.rows(
                c,
                "SELECT count(*), sum(quantity), min(sku), max(sku) FROM stock",
                "SELECT count(*), sum(quantity) FROM movement",
                "SELECT id, note FROM ledger ORDER BY id",
                "SELECT count(*) FROM ledger_audit",
                "SELECT last_value, is_called FROM ledger_audit_id_seq",
                "SELECT id, note FROM journal ORDER BY id",
                "SELECT count(*) FROM journal_audit",
                "SELECT last_value, is_called FROM journal_audit_id_seq",
                "SELECT id, text FROM label ORDER BY id",
                "SELECT count(*), min(name), max(name) FROM shelf");
    }

    /** A fixture on the base of {@code restore-delete}, whose tests check that they start from its state. */
    @ExtendWith(RestoreInPlaceTests.Recording.RestoresDone.class)
    abstract static class RestoredTestCase extends RestoreInPlaceTests.Recording {

        @Override
        String state(Connection c) throws SQLException {
            return stockState(c);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class StockTestCase extends RestoredTestCase {

        @RepeatedTest(12)
        void sellsOutTheStock(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            try (Connection c = begin(dataSource, "sellsOutTheStock " + repetition.getCurrentRepetition())) {
                SEEN.add(new long[] {
                    RestoreInPlaceTests.databaseOid(c), Fixtures.count(c, "SELECT pg_relation_filenode('stock')")
                });
                RestoreInPlaceTests.execute(
                        c,
                        "UPDATE stock SET quantity = 0",
                        "DELETE FROM movement",
                        "DELETE FROM stock WHERE id > 200",
                        "INSERT INTO stock VALUES (1000, 'sku-new', 1)");
            }
        }
    }

    /** A fixture whose tests delete ten rows of {@link #table()}, on which a rule writes each to its audit table. */
    abstract static class RuleTestCase extends RestoredTestCase {

        /** The table with the rule; the rule writes to the table of that name with {@code _audit} after it. */
        abstract String table();

        @RepeatedTest(6)
        void clearsTenRows(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            try (Connection c = begin(dataSource, "clears " + table() + " " + repetition.getCurrentRepetition())) {
                RestoreInPlaceTests.execute(c, "DELETE FROM " + table() + " WHERE id <= 10");
                assertThat(Fixtures.count(c, "SELECT count(*) FROM " + table() + "_audit"))
                        .as("rows the rule wrote")
                        .isEqualTo(10);
            }
        }
    }

    /** {@code ledger}: its rule runs on every DELETE, also in the restore's session (ALWAYS). */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class LedgerTestCase extends RuleTestCase {
        @Override
        String table() {
            return "ledger";
        }
    }

    /** {@code journal}: its rule runs on the DELETEs of ordinary sessions only (ORIGIN). */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class JournalTestCase extends RuleTestCase {
        @Override
        String table() {
            return "journal";
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class LabelTestCase extends RestoredTestCase {

        @RepeatedTest(8)
        void renamesOneLabel(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            try (Connection c = begin(dataSource, "renamesOneLabel " + repetition.getCurrentRepetition())) {
                RestoreInPlaceTests.execute(c, "UPDATE label SET text = 'renamed' WHERE id = 1");
            }
        }
    }

    /** A fixture whose tests note how many pages {@code shelf} takes as they find it, then change its rows. */
    abstract static class ShelfTestCase extends RestoredTestCase {

        /** What the test does to {@code shelf}. */
        abstract String change();

        @RepeatedTest(12)
        void changesTheShelf(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            try (Connection c = begin(dataSource, "changesTheShelf " + repetition.getCurrentRepetition())) {
                SHELF_PAGES.add(Fixtures.count(c, "SELECT pg_relation_size('shelf') / 8192"));
                SHELF_DEAD.add(Fixtures.count(c, "SELECT pg_stat_get_dead_tuples('shelf'::regclass)"));
                SHELF_BYTES.add(Fixtures.count(c, "SELECT pg_total_relation_size('shelf')"));
                RestoreInPlaceTests.execute(c, change());
            }
        }
    }

    /** Each test rewrites every row of {@code shelf}. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class RewriteTestCase extends ShelfTestCase {
        @Override
        String change() {
            return "UPDATE shelf SET name = name || ' renamed'";
        }
    }

    /** Each test adds 5,000 rows to {@code shelf}. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class RestockTestCase extends ShelfTestCase {
        @Override
        String change() {
            return "INSERT INTO shelf SELECT g, 'restocked ' || g FROM generate_series(1000, 5999) g";
        }
    }

    /** Each test adds 150 rows to {@code shelf}. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class TopUpTestCase extends ShelfTestCase {
        @Override
        String change() {
            return "INSERT INTO shelf SELECT g, 'topped up ' || g FROM generate_series(1000, 1149) g";
        }
    }

    /** Each test adds a row with a value of 1 MB (1 MB of hexadecimal digits), which PostgreSQL stores out of line. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-delete")
    static class LargeValueTestCase extends ShelfTestCase {
        @Override
        String change() {
            return "INSERT INTO shelf SELECT 2000, string_agg(md5(g::text), '') FROM generate_series(1, 32768) g";
        }
    }
}
