package io.github.lakebase.samples.inventory;

import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The transition period of release 2, told in steps on one branch: old code still writes
 * {@code inventory_code}, new code writes the three columns, and the trigger keeps both views of a row in
 * agreement.
 *
 * <p>{@code lifecycle = PER_CLASS} gives the class a single branch, created before the first step and
 * destroyed after the last: what one step writes, the next one reads, so the order of the steps matters.
 */
@LakebaseBranch(
        from = ProductionInventory.NAME,
        migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND},
        lifecycle = Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransitionTest {

    @LakebaseBranch
    static DataSource inventory;

    @Test
    @Order(1)
    void anOldWriterStillWritesTheCodeAndGetsTheColumnsFilledIn() throws SQLException {
        long id = insert(
                "INSERT INTO inventory (inventory_code, quantity) VALUES (' l100-b0200-s900001', 5) RETURNING id");

        assertThat(row(id)).isEqualTo(" l100-b0200-s900001 | L100 | B0200 | S900001");
    }

    @Test
    @Order(2)
    void aNewWriterWritesTheColumnsAndGetsTheCodeComposed() throws SQLException {
        long id = insert("INSERT INTO inventory (location_code, batch_number, serial_number, quantity) "
                + "VALUES ('L101', 'B0201', 'S900002', 7) RETURNING id");

        assertThat(row(id)).isEqualTo("L101B0201S900002 | L101 | B0201 | S900002");
    }

    @Test
    @Order(3)
    void updatesFollowWhicheverSideWasWritten() throws SQLException {
        execute("UPDATE inventory SET inventory_code = 'L102B0202S900001' WHERE serial_number = 'S900001'");
        execute("UPDATE inventory SET batch_number = 'B0299' WHERE serial_number = 'S900002'");

        assertThat(row(id("S900001"))).isEqualTo("L102B0202S900001 | L102 | B0202 | S900001");
        assertThat(row(id("S900002"))).isEqualTo("L101B0299S900002 | L101 | B0299 | S900002");
    }

    @Test
    @Order(4)
    void theConstraintRefusesPartsThatDoNotFit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> execute(
                                "INSERT INTO inventory (location_code, batch_number, serial_number) VALUES ('L1', 'B0001', 'S000001')"))
                .hasMessageContaining("inventory_code_parts_valid");
        say("shared branch: the trigger kept inventory_code and its three columns in agreement through inserts "
                + "and updates from old and new writers; the check constraint refused a malformed location");
    }

    private static long insert(String sql) throws SQLException {
        try (Connection c = inventory.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long id(String serial) throws SQLException {
        return insert("SELECT id FROM inventory WHERE serial_number = '" + serial + "'");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = inventory.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String row(long id) throws SQLException {
        try (Connection c = inventory.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT concat_ws(' | ', inventory_code, location_code, batch_number, serial_number), current_database() "
                                + "FROM inventory WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                say("shared branch %s: row %d reads %s", rs.getString(2), id, rs.getString(1));
                return rs.getString(1);
            }
        }
    }
}
