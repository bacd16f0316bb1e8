package io.github.lakebase.samples.inventory;

import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange;
import io.github.lakebase.junit.tools.SchemaDiff;
import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The schema change of release 2 as a reviewable artifact: production as it is next to production with
 * release 2, compared from their catalogs and written to {@code target/lakebase/schema-diff.md}, ready for a CI
 * job to post on the pull request.
 */
class SchemaDiffReportTest {

    static final Path REPORT = Path.of("target", "lakebase", "schema-diff.md");

    /** Release 2 only adds to the schema, and the diff says what. */
    @Test
    void schemaDiff(
            @LakebaseBranch(name = "production", from = ProductionInventory.NAME, migrations = Releases.RELEASE_1)
                    Branch production,
            @LakebaseBranch(
                            name = "release2",
                            from = ProductionInventory.NAME,
                            migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
                    Branch release2)
            throws Exception {
        SchemaDiff diff = SchemaDiff.options()
                .labels("production", "production + release 2")
                .between(production, release2);

        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, diff.toMarkdown());
        say("%s", diff);
        say("schema diff written to %s", REPORT.toAbsolutePath());

        assertThat(diff.removed()).as("an expand step removes nothing").isEmpty();
        assertThat(diff.changed()).isEmpty();
        assertThat(diff.added())
                .extracting(SchemaChange::kind, SchemaChange::name)
                .contains(
                        org.assertj.core.api.Assertions.tuple(Kind.TABLE, "public.inventory_code_rejects"),
                        org.assertj.core.api.Assertions.tuple(Kind.COLUMN, "public.inventory.location_code"),
                        org.assertj.core.api.Assertions.tuple(Kind.COLUMN, "public.inventory.batch_number"),
                        org.assertj.core.api.Assertions.tuple(Kind.COLUMN, "public.inventory.serial_number"),
                        org.assertj.core.api.Assertions.tuple(
                                Kind.CONSTRAINT, "public.inventory.inventory_code_parts_valid"),
                        org.assertj.core.api.Assertions.tuple(Kind.TRIGGER, "public.inventory.inventory_sync_code"),
                        org.assertj.core.api.Assertions.tuple(Kind.FUNCTION, "public.inventory_sync_code()"));
        assertThat(Files.readString(REPORT)).startsWith("### Schema diff: `production` → `production + release 2`");
    }
}
