package io.github.lakebase.samples.inventory;

import static io.github.lakebase.junit.tools.Damage.EMBEDDED_SPACE;
import static io.github.lakebase.junit.tools.Damage.MISSING_DIGITS;
import static io.github.lakebase.junit.tools.Damage.NULL;
import static io.github.lakebase.junit.tools.Damage.TRAILING_WHITESPACE;
import static io.github.lakebase.junit.tools.Damage.TRUNCATED;
import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.Corruption;
import io.github.lakebase.junit.tools.CorruptionReport;
import io.github.lakebase.junit.tools.DamagedRow;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Destructive testing of the migration: damage 1% of production's codes on purpose, then run the migration.
 *
 * <p>Two branches of production as it is (release 1 only) get the same damage: same seed, same data, so the
 * same rows, damaged the same way. A naive release 2 runs on one, the real release 2 on the other. The naive one
 * silently writes malformed parts for exactly the rows whose code lost a digit, got a blank inside or was cut
 * short; the real one repairs what can be repaired and lists the rest in {@code inventory_code_rejects}.
 */
class CorruptedCodesTest {

    private static final long SEED = 2024;

    /** A naive split breaks exactly the damaged rows; the real one repairs them or lists them for a person. */
    @Test
    void damagedCodes(
            @LakebaseBranch(name = "naive", from = ProductionInventory.NAME, migrations = Releases.RELEASE_1)
                    Branch naive,
            @LakebaseBranch(name = "fixed", from = ProductionInventory.NAME, migrations = Releases.RELEASE_1)
                    Branch fixed)
            throws Exception {
        CorruptionReport damage = corrupt(naive);
        assertThat(corrupt(fixed).rows())
                .as("the same seed damages the same rows the same way")
                .isEqualTo(damage.rows());
        damage.rows().stream()
                .limit(3)
                .forEach(row ->
                        say("  row %s: '%s' -> '%s' (%s)", row.id(), row.original(), row.damaged(), row.damage()));

        CompletableFuture.allOf(
                        CompletableFuture.runAsync(
                                () -> Inventory.migrate(naive, Releases.RELEASE_1, "classpath:naive")),
                        CompletableFuture.runAsync(
                                () -> Inventory.migrate(fixed, Releases.RELEASE_1, Releases.RELEASE_2_EXPAND)))
                .join();

        var malformed = Inventory.ids(naive, Inventory.MALFORMED);
        say("naive release 2 on %s: %d rows got malformed parts, without an error", naive.name(), malformed.size());
        assertThat(malformed)
                .as("rows the naive split got wrong")
                .isEqualTo(damage.keys(Long.class, MISSING_DIGITS, EMBEDDED_SPACE, TRUNCATED));

        var rejected = Inventory.ids(fixed, "SELECT inventory_id FROM inventory_code_rejects");
        say(
                "real release 2 on %s: %d codes rejected for a person to fix, %d repaired, %d rows without a code",
                fixed.name(),
                rejected.size(),
                damage.keys(Long.class, EMBEDDED_SPACE, TRAILING_WHITESPACE).size(),
                damage.keys(Long.class, NULL).size());
        assertThat(rejected)
                .as("codes that cannot be read")
                .isEqualTo(damage.keys(Long.class, MISSING_DIGITS, TRUNCATED));
        assertThat(Inventory.ids(fixed, Inventory.MALFORMED))
                .as("malformed parts")
                .isEmpty();
        Map<Long, Inventory.Row> rows =
                Inventory.rows(fixed).stream().collect(Collectors.toMap(Inventory.Row::id, Function.identity()));
        for (DamagedRow row : damage.rows()) {
            Inventory.Parts parts = rows.get((Long) row.id()).parts();
            switch (row.damage()) {
                case EMBEDDED_SPACE, TRAILING_WHITESPACE ->
                    assertThat(parts)
                            .as("repaired: %s", row)
                            .isEqualTo(Inventory.read(row.original()).orElseThrow());
                case NULL, MISSING_DIGITS, TRUNCATED ->
                    assertThat(parts).as("no parts: %s", row).isNull();
            }
        }
    }

    private static CorruptionReport corrupt(Branch branch) throws Exception {
        return Corruption.of(branch)
                .column("inventory", "inventory_code")
                .fraction(0.01)
                .kinds(MISSING_DIGITS, EMBEDDED_SPACE, TRAILING_WHITESPACE, NULL, TRUNCATED)
                .seed(SEED)
                .apply();
    }
}
