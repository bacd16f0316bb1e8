package io.github.lakebase.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Two branches side by side in one test, for example to try a schema change next to the current
 * design on the same data.
 *
 * <p>Parameters with different {@code name}s get different branches, both forked from the same
 * migrated base. Branch {@code a} splits {@code inventory_code} into location, batch and serial
 * columns; branch {@code b} never sees that change.
 */
class InventoryNamedBranchesTest {

    @Test
    void aChangeOnOneBranchIsInvisibleOnTheOther(@LakebaseBranch(name = "a") DataSource a,
            @LakebaseBranch(name = "b") DataSource b) throws SQLException {
        try (Connection c = a.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE inventory ADD COLUMN location text, ADD COLUMN batch text, ADD COLUMN serial text");
            s.execute("UPDATE inventory SET location = substr(inventory_code, 1, 4), "
                    + "batch = substr(inventory_code, 5, 5), serial = substr(inventory_code, 10, 7)");
        }

        System.out.printf("[inventory] branch %s: inventory_code split, columns now %s%n", database(a), columns(a));
        System.out.printf("[inventory] branch %s: untouched, columns still %s%n", database(b), columns(b));
        assertThat(columns(a)).contains("location", "batch", "serial");
        assertThat(columns(b)).containsExactly("id", "inventory_code", "quantity", "created_at");
    }

    private static String database(DataSource dataSource) throws SQLException {
        return query(dataSource, "SELECT current_database()").get(0);
    }

    private static List<String> columns(DataSource dataSource) throws SQLException {
        return query(dataSource, "SELECT column_name FROM information_schema.columns "
                + "WHERE table_name = 'inventory' ORDER BY ordinal_position");
    }

    private static List<String> query(DataSource dataSource, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
