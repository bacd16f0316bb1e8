package io.github.lakebase.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Destructive tests are routine when every test has a database branch of its own.
 *
 * <p>{@code @LakebaseBranch} on the class gives every test method a fresh branch, forked from a base
 * that the migrations in {@code db/migration} were applied to once (not once per test). The first test
 * deletes every row and drops the table; the second, which runs after it, still finds every seed row,
 * because the first test's branch was destroyed when that test ended.
 */
@LakebaseBranch
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryDestructiveTest {

    private static final int SEED_ROWS = 5;

    @Test
    @Order(1)
    void deletesEverythingAndDropsTheTable(DataSource dataSource, Branch branch) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            int deleted = s.executeUpdate("DELETE FROM inventory");
            s.execute("DROP TABLE inventory");

            System.out.printf("[inventory] branch %s forked from %s: deleted %d rows and dropped the table%n",
                    branch.name(), branch.parent(), deleted);
            assertThat(deleted).isEqualTo(SEED_ROWS);
        }
    }

    @Test
    @Order(2)
    void theNextTestStillSeesEverySeedRow(DataSource dataSource, Branch branch) throws SQLException {
        List<String> codes = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT inventory_code FROM inventory ORDER BY id")) {
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
        }

        System.out.printf("[inventory] branch %s forked from %s: all %d seed rows are still there%n",
                branch.name(), branch.parent(), codes.size());
        assertThat(codes)
                .hasSize(SEED_ROWS)
                .allMatch(code -> code.matches("L\\d{3}B\\d{4}S\\d{6}"), "a code like L042B0917S000123");
    }
}
