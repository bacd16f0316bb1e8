package io.github.lakebase.samples.inventory;

import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange;
import io.github.lakebase.junit.tools.SchemaDiff;
import org.junit.jupiter.api.Test;

/**
 * Release 3, the contract step, on a branch of production that has release 2: {@code inventory_code} goes,
 * and nothing read from it is lost.
 *
 * <p>The branch comes with releases 1 and 2 (the same base as {@link SplitColumnMigrationTest}); the test
 * applies release 3 itself, as the next deployment would, and compares the schema before and after.
 */
class ContractTest {

    /** Release 3 drops inventory_code and keeps every part read from it. */
    @Test
    void contract(
            @LakebaseBranch(
                            name = "release2",
                            from = ProductionInventory.NAME,
                            migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
                    Branch release2,
            @LakebaseBranch(
                            name = "release3",
                            from = ProductionInventory.NAME,
                            migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
                    Branch release3)
            throws Exception {
        String parts = "SELECT count(*) FROM inventory WHERE location_code IS NOT NULL";
        long before = Inventory.count(release2, parts);

        Inventory.migrate(release3, Releases.RELEASE_1, Releases.RELEASE_2_EXPAND, Releases.RELEASE_3_CONTRACT);

        SchemaDiff diff = SchemaDiff.options().labels("release 2", "release 3").between(release2, release3);
        say("%s", diff);
        assertThat(diff.added()).isEmpty();
        assertThat(diff.removed())
                .extracting(SchemaChange::name)
                .containsExactly(
                        "public.inventory.inventory_code",
                        "public.inventory_code_idx",
                        "public.inventory.inventory_sync_code",
                        "public.inventory_code_canonical(code text)",
                        "public.inventory_sync_code()");
        assertThat(Inventory.count(release3, parts))
                .as("rows with their parts")
                .isEqualTo(before)
                .isGreaterThan(ProductionInventory.ROWS * 9L / 10);
    }
}
