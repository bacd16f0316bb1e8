package io.github.lakebase.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One branch shared by every test of the class, for a story told in steps.
 *
 * <p>With {@code lifecycle = PER_CLASS} the class gets a single branch, created before the first test
 * and destroyed after the last: what one test writes, the next one reads, so the order of the tests
 * matters here. The static {@code DataSource} field and the {@code Connection} parameter both reach
 * that one branch; the connection is opened for its test and closed after it.
 */
@LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryPerClassTest {

    private static final String CODE = "L042B0917S000123";

    @LakebaseBranch
    static DataSource inventory;

    @Test
    @Order(1)
    void receivesTenItems() throws SQLException {
        try (Connection c = inventory.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE inventory SET quantity = quantity + 10 "
                        + "WHERE inventory_code = ? RETURNING current_database(), quantity")) {
            ps.setString(1, CODE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                System.out.printf("[inventory] shared branch %s: received 10 x %s, %d in stock%n",
                        rs.getString(1), CODE, rs.getInt(2));
                assertThat(rs.getInt(2)).isEqualTo(22);
            }
        }
    }

    @Test
    @Order(2)
    void theNextTestSeesTheDelivery(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT current_database(), quantity FROM inventory WHERE inventory_code = ?")) {
            ps.setString(1, CODE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                System.out.printf("[inventory] shared branch %s: %s has %d items, delivered by the previous test%n",
                        rs.getString(1), CODE, rs.getInt(2));
                assertThat(rs.getInt(2)).isEqualTo(22);
            }
        }
    }
}
