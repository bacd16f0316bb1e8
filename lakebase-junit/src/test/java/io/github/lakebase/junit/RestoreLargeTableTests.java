package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table whose refill would cost more than a new fork is not held to restore from: a branch whose test changed
 * it is dropped, and a branch whose test changed only smaller tables is still restored. Nor are its rows read when
 * a run starts, beside its first tests.
 */
class RestoreLargeTableTests {

    private static final Map<String, String> SETTINGS =
            Map.of("lakebase.embedded.max-connections", "58", "lakebase.prefetch", "1");

    @Test
    void aBranchWhoseTestChangedATableLargerThanARefillIsWorthIsForkedAnewAndTheOthersAreRestored() {
        RestoreInPlaceTests.readTheBase(LargeTableTestCase.class, SETTINGS, 8);

        Fixtures.assertAllSucceeded(Fixtures.run(LargeTableTestCase.class, SETTINGS), 8);

        Map<String, Long> databases = RestoreInPlaceTests.Recording.databases(LargeTableTestCase.class);
        List<String> order = new ArrayList<>(databases.keySet());
        for (String test : order) {
            if (test.startsWith("large")) {
                List<Long> later = order.subList(order.indexOf(test) + 1, order.size()).stream()
                        .map(databases::get)
                        .toList();
                assertThat(later)
                        .as("databases of the tests after %s, which must not get its database again", test)
                        .doesNotContain(databases.get(test));
            }
        }
        assertThat(databases.size() - Set.copyOf(databases.values()).size())
                .as("tests that got a database an earlier test had used, restored: %s", databases)
                .isGreaterThanOrEqualTo(2);
    }

    /** Odd tests delete rows of {@code small}, even ones rows of {@code large}; each starts from the base's state. */
    @LakebaseBranch(migrations = "classpath:migrations/restore-large")
    @ExtendWith(RestoreInPlaceTests.Recording.RestoresDone.class)
    static class LargeTableTestCase extends RestoreInPlaceTests.Recording {

        @Override
        String state(Connection c) throws SQLException {
            return RestoreInPlaceTests.rows(
                    c, "SELECT count(*), sum(n) FROM small", "SELECT count(*), sum(length(payload)) FROM large");
        }

        @RepeatedTest(8)
        void deletesRowsOfOneTable(DataSource dataSource, RepetitionInfo repetition) throws SQLException {
            boolean large = repetition.getCurrentRepetition() % 2 == 0;
            String test = (large ? "large " : "small ") + repetition.getCurrentRepetition();
            try (Connection c = begin(dataSource, test)) {
                RestoreInPlaceTests.execute(
                        c, large ? "DELETE FROM large WHERE id <= 10" : "DELETE FROM small WHERE id <= 2");
            }
        }
    }
}
