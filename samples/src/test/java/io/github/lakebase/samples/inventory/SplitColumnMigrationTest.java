package io.github.lakebase.samples.inventory;

import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaDiff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The split-column migration (release 2) on production-shaped data, checked on every row.
 *
 * <p>Every test gets its own branch of {@code production} with releases 1 and 2: release 2 ran once, into a
 * base, before the first test, and never again. What one test does to its branch no other test sees.
 */
@LakebaseBranch(
        from = ProductionInventory.NAME,
        migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
class SplitColumnMigrationTest {

    @Test
    void everyRowIsSplitTheWayItsCodeReads(Branch branch) throws Exception {
        List<Inventory.Row> rows = Inventory.rows(branch);
        Map<String, Integer> artifacts = new HashMap<>();
        List<Inventory.Row> wrong = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Inventory.Row row : rows) {
            String code = row.code();
            artifacts.merge(
                    code == null
                            ? "no code (NULL)"
                            : code.contains("-")
                                    ? "old printer's dashes"
                                    : !code.equals(code.strip())
                                            ? "blanks around"
                                            : !code.equals(code.toUpperCase()) ? "lowercase" : "clean",
                    1,
                    Integer::sum);
            if (code != null && seen.merge(code, 1, Integer::sum) == 2) {
                artifacts.merge("duplicated codes", 1, Integer::sum);
            }
            if (!java.util.Objects.equals(row.parts(), Inventory.read(code).orElse(null))) {
                wrong.add(row);
            }
        }

        say(
                "branch %s (production + release 2): %,d rows checked, %s; %d split wrongly",
                branch.name(), rows.size(), new java.util.TreeMap<>(artifacts), wrong.size());
        assertThat(rows).hasSize(ProductionInventory.ROWS);
        assertThat(wrong).as("rows whose parts differ from their code").isEmpty();
        assertThat(artifacts)
                .as("production's history is in the data")
                .containsKeys(
                        "no code (NULL)", "old printer's dashes", "blanks around", "lowercase", "duplicated codes");
        assertThat(Inventory.count(branch, "SELECT count(*) FROM inventory_code_rejects"))
                .as("every code production has today reads")
                .isZero();
    }

    @Test
    void runningItAgainChangesNothing(
            @LakebaseBranch(
                            name = "again",
                            from = ProductionInventory.NAME,
                            migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
                    Branch again,
            Branch once)
            throws Exception {
        String checksum = "SELECT md5(string_agg(concat_ws('|', id, inventory_code, location_code, batch_number, "
                + "serial_number), ',' ORDER BY id)) FROM inventory";
        Inventory.execute(again, ProductionInventory.resource("db/release2/V2__split_inventory_code.sql"));

        SchemaDiff diff = SchemaDiff.between(once, again);
        say(
                "branch %s: release 2 ran a second time; schema diff with %s: %s; data %s",
                again.name(),
                once.name(),
                diff.isEmpty() ? "none" : diff,
                sameData(once, again, checksum) ? "unchanged" : "CHANGED");
        assertThat(diff.isEmpty()).as(diff.toString()).isTrue();
        assertThat(sameData(once, again, checksum)).isTrue();
    }

    @Test
    void destructiveTestsStayOnTheirBranch(Branch branch) throws Exception {
        Inventory.execute(branch, "TRUNCATE inventory CASCADE");

        say("branch %s: emptied inventory; no other test sees that", branch.name());
        assertThat(Inventory.count(branch, "SELECT count(*) FROM inventory")).isZero();
    }

    private static boolean sameData(Branch a, Branch b, String checksum) throws Exception {
        return Inventory.ids(a, "SELECT 0").equals(Inventory.ids(b, "SELECT 0"))
                && query(a, checksum).equals(query(b, checksum));
    }

    private static String query(Branch branch, String sql) throws Exception {
        try (var c = branch.openConnection();
                var s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
