package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.CONSTRAINT;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.INDEX;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.MATERIALIZED_VIEW;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.STATISTICS;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff} on how the ledger is stored and planned: storage options of tables, their TOAST tables,
 * indexes and materialized views, and per-column statistics targets.
 */
@LakebaseBranch(migrations = SchemaDiffRenderingTests.LEDGER)
class SchemaDiffStorageTests {

    @Test
    void storageOptionsOfTablesIndexesAndMaterializedViewsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);
                ALTER TABLE account SET (toast.autovacuum_enabled = false);
                ALTER INDEX account_pkey SET (fillfactor = 80);
                ALTER TABLE entry_2025_01 SET (autovacuum_enabled = false);
                CREATE INDEX account_holder_idx ON account (holder) WITH (fillfactor = 50, deduplicate_items = off);
                CREATE MATERIALIZED VIEW monthly_total WITH (fillfactor = 60) AS
                    SELECT date_trunc('month', booked_on) AS month, sum(amount) AS total FROM entry GROUP BY 1;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.account"),
                        tuple(CHANGED, TABLE, "public.entry_2025_01"),
                        tuple(CHANGED, CONSTRAINT, "public.account.account_pkey"),
                        tuple(ADDED, INDEX, "public.account_holder_idx"),
                        tuple(ADDED, MATERIALIZED_VIEW, "public.monthly_total"));
        assertThat(properties(diff, TABLE, "public.account"))
                .containsExactly(new Property(
                        "options",
                        "fillfactor=90",
                        "autovacuum_vacuum_scale_factor=0.05, fillfactor=70, toast.autovacuum_enabled=false"));
        assertThat(properties(diff, TABLE, "public.entry_2025_01"))
                .containsExactly(new Property("options", null, "autovacuum_enabled=false"));
        assertThat(properties(diff, CONSTRAINT, "public.account.account_pkey"))
                .containsExactly(new Property("options", null, "fillfactor=80"));
        assertThat(diff.find(MATERIALIZED_VIEW, "public.monthly_total")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("options", "fillfactor=60");
        assertThat(diff.toMarkdown())
                .contains(
                        "| changed | table | `public.account` | options: `fillfactor=90` →"
                                + " `autovacuum_vacuum_scale_factor=0.05, fillfactor=70, toast.autovacuum_enabled=false` |",
                        "| added | index | `public.account_holder_idx` | `CREATE INDEX account_holder_idx ON"
                                + " public.account USING btree (holder) WITH (fillfactor='50', deduplicate_items=off)` |",
                        "| added | materialized view | `public.monthly_total` | `WITH (fillfactor=60)` |");
    }

    @Test
    void perColumnStatisticsTargetsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account ALTER COLUMN holder SET STATISTICS 500;
                ALTER TABLE entry ALTER COLUMN amount SET STATISTICS 300;
                ALTER TABLE account ADD COLUMN region text;
                ALTER TABLE account ALTER COLUMN region SET STATISTICS 1000;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, COLUMN, "public.account.holder"),
                        tuple(ADDED, COLUMN, "public.account.region"),
                        tuple(CHANGED, COLUMN, "public.entry.amount"));
        assertThat(properties(diff, COLUMN, "public.account.holder"))
                .containsExactly(new Property("statistics", null, "500"));
        assertThat(properties(diff, COLUMN, "public.entry.amount"))
                .containsExactly(new Property("statistics", null, "300"));
        assertThat(diff.toMarkdown())
                .contains("| added | column | `public.account.region` | `text`, statistics 1000 |");
    }

    @Test
    void aTablesReplicaIdentityIsCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account REPLICA IDENTITY FULL;
                ALTER TABLE audit_event_0 REPLICA IDENTITY NOTHING;
                ALTER TABLE entry_2025_01 REPLICA IDENTITY USING INDEX entry_2025_01_pkey;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.account"),
                        tuple(CHANGED, TABLE, "public.audit_event_0"),
                        tuple(CHANGED, TABLE, "public.entry_2025_01"));
        assertThat(properties(diff, TABLE, "public.account"))
                .containsExactly(new Property("replica identity", null, "FULL"));
        assertThat(properties(diff, TABLE, "public.audit_event_0"))
                .containsExactly(new Property("replica identity", null, "NOTHING"));
        assertThat(properties(diff, TABLE, "public.entry_2025_01"))
                .containsExactly(new Property("replica identity", null, "USING INDEX entry_2025_01_pkey"));
    }

    @Test
    void extendedStatisticsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        String statistics = "CREATE STATISTICS account_holder_branch (ndistinct) ON holder, branch_code FROM account;";
        execute(before, statistics);
        execute(
                after,
                statistics + "ALTER STATISTICS account_holder_branch SET STATISTICS 500;"
                        + "CREATE STATISTICS entry_account_day (dependencies, mcv) ON account_id, booked_on FROM entry;");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, STATISTICS, "public.account_holder_branch"),
                        tuple(ADDED, STATISTICS, "public.entry_account_day"));
        assertThat(properties(diff, STATISTICS, "public.account_holder_branch"))
                .containsExactly(new Property("statistics", null, "500"));
        assertThat(diff.toMarkdown())
                .contains(
                        "| added | statistics | `public.entry_account_day` | `CREATE STATISTICS public.entry_account_day"
                                + " (dependencies, mcv) ON account_id, booked_on FROM entry` |");
    }
}
