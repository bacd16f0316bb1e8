package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.REMOVED;
import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.CONSTRAINT;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.INDEX;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff} on partitioned tables of the ledger: a partition's parent and bounds, a partitioned table's
 * key, and the indexes, constraints, triggers and columns that partitions have from their parent, folded into
 * the parent's change.
 */
@LakebaseBranch(migrations = SchemaDiffRenderingTests.LEDGER)
class SchemaDiffPartitionTests {

    @Test
    void detachingAPartitionChangesItsTableAndTakesItsParentsTriggersAway(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, "ALTER TABLE entry DETACH PARTITION entry_2025_01");

        SchemaDiff diff = SchemaDiff.between(before, after);

        // the partition keeps its indexes and constraints as its own; PostgreSQL drops the triggers it had cloned
        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.entry_2025_01"),
                        tuple(REMOVED, TRIGGER, "public.entry_2025_01.entry_checked"));
        assertThat(properties(diff, TABLE, "public.entry_2025_01"))
                .containsExactly(new Property(
                        "partition of", "public.entry FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')", null));
    }

    @Test
    void whatADetachedPartitionLosesBesidesIsShown(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(
                after,
                "ALTER TABLE entry DETACH PARTITION entry_2025_02; DROP INDEX entry_2025_02_account_id_idx;"
                        + "ALTER TABLE entry_2025_02 DROP CONSTRAINT entry_account_id_fkey");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.entry_2025_02"),
                        tuple(REMOVED, CONSTRAINT, "public.entry_2025_02.entry_account_id_fkey"),
                        tuple(REMOVED, INDEX, "public.entry_2025_02_account_id_idx"),
                        tuple(REMOVED, TRIGGER, "public.entry_2025_02.entry_checked"));
    }

    @Test
    void reattachingAPartitionWithAnotherRangeChangesItsBounds(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(
                after,
                "ALTER TABLE entry DETACH PARTITION entry_2025_03;"
                        + "ALTER TABLE entry ATTACH PARTITION entry_2025_03 FOR VALUES FROM ('2025-03-01') TO ('2025-05-01')");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(tuple(CHANGED, TABLE, "public.entry_2025_03"));
        assertThat(properties(diff, TABLE, "public.entry_2025_03"))
                .containsExactly(new Property(
                        "partition of",
                        "public.entry FOR VALUES FROM ('2025-03-01') TO ('2025-04-01')",
                        "public.entry FOR VALUES FROM ('2025-03-01') TO ('2025-05-01')"));
        assertThat(diff.toMarkdown())
                .contains("| changed | table | `public.entry_2025_03` | partition of: `public.entry FOR VALUES FROM"
                        + " ('2025-03-01') TO ('2025-04-01')` → `public.entry FOR VALUES FROM ('2025-03-01') TO"
                        + " ('2025-05-01')` |");
    }

    @Test
    void aNewPartitionIsOneTableWithItsParentAndBoundsWhateverItsKind(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                CREATE TABLE entry_2025_04 PARTITION OF entry FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
                CREATE TABLE entry_2025_05 PARTITION OF entry FOR VALUES FROM ('2025-05-01') TO ('2025-06-01')
                    PARTITION BY RANGE (id);
                CREATE TABLE entry_2025_05_low PARTITION OF entry_2025_05 FOR VALUES FROM (MINVALUE) TO (1000000);
                CREATE TABLE entry_2025_05_rest PARTITION OF entry_2025_05 DEFAULT;
                CREATE TABLE fx_rate_usd PARTITION OF fx_rate FOR VALUES IN ('USD', 'CAD');
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(ADDED, TABLE, "public.entry_2025_04"),
                        tuple(ADDED, TABLE, "public.entry_2025_05"),
                        tuple(ADDED, TABLE, "public.entry_2025_05_low"),
                        tuple(ADDED, TABLE, "public.entry_2025_05_rest"),
                        tuple(ADDED, TABLE, "public.fx_rate_usd"));
        assertThat(diff.find(TABLE, "public.entry_2025_05")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("type", "partitioned table")
                .containsEntry("partition of", "public.entry FOR VALUES FROM ('2025-05-01') TO ('2025-06-01')")
                .containsEntry("partitioned by", "RANGE (id)");
        assertThat(diff.find(TABLE, "public.entry_2025_05_rest")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("partition of", "public.entry_2025_05 DEFAULT");
        assertThat(diff.toMarkdown())
                .contains(
                        "| added | table | `public.entry_2025_04` | `PARTITION OF public.entry FOR VALUES FROM"
                                + " ('2025-04-01') TO ('2025-05-01')` |",
                        "| added | table | `public.entry_2025_05` | `partitioned table PARTITION OF public.entry FOR"
                                + " VALUES FROM ('2025-05-01') TO ('2025-06-01') PARTITION BY RANGE (id)` |",
                        "| added | table | `public.fx_rate_usd` | `PARTITION OF public.fx_rate FOR VALUES IN ('USD',"
                                + " 'CAD')` |");
    }

    @Test
    void aPartitionedTablesKeyIsCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                DROP TABLE audit_event;
                CREATE TABLE audit_event (id bigint NOT NULL, payload jsonb) PARTITION BY RANGE (id);
                CREATE TABLE audit_event_0 PARTITION OF audit_event FOR VALUES FROM (0) TO (1000000);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.audit_event"),
                        tuple(CHANGED, TABLE, "public.audit_event_0"),
                        tuple(REMOVED, TABLE, "public.audit_event_1"));
        assertThat(properties(diff, TABLE, "public.audit_event"))
                .containsExactly(new Property("partitioned by", "HASH (id)", "RANGE (id)"));
        assertThat(properties(diff, TABLE, "public.audit_event_0"))
                .containsExactly(new Property(
                        "partition of",
                        "public.audit_event FOR VALUES WITH (modulus 2, remainder 0)",
                        "public.audit_event FOR VALUES FROM ('0') TO ('1000000')"));
    }

    @Test
    void whatAPartitionedTableGainsIsOneChangeNotOnePerPartition(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                CREATE INDEX entry_booked_idx ON entry (booked_on);
                ALTER TABLE entry ADD CONSTRAINT entry_memo_short CHECK (length(memo) < 200);
                CREATE TRIGGER entry_audited AFTER UPDATE ON entry FOR EACH ROW EXECUTE FUNCTION entry_checked();
                ALTER TABLE entry ADD COLUMN currency char(3);
                ALTER TABLE entry ALTER COLUMN memo TYPE varchar(500);
                CREATE TABLE entry_note (entry_id bigint, booked_on date,
                    CONSTRAINT entry_note_entry_fkey FOREIGN KEY (entry_id, booked_on) REFERENCES entry);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(ADDED, TABLE, "public.entry_note"),
                        tuple(ADDED, COLUMN, "public.entry.currency"),
                        tuple(CHANGED, COLUMN, "public.entry.memo"),
                        tuple(ADDED, COLUMN, "public.entry_note.booked_on"),
                        tuple(ADDED, COLUMN, "public.entry_note.entry_id"),
                        tuple(ADDED, CONSTRAINT, "public.entry.entry_memo_short"),
                        tuple(ADDED, CONSTRAINT, "public.entry_note.entry_note_entry_fkey"),
                        tuple(ADDED, INDEX, "public.entry_booked_idx"),
                        tuple(ADDED, TRIGGER, "public.entry.entry_audited"));
        assertThat(diff.find(INDEX, "public.entry_booked_idx")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("definition", "CREATE INDEX entry_booked_idx ON public.entry USING btree (booked_on)");
    }

    @Test
    void whatAPartitionHasOfItsOwnIsShown(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE entry_2025_01 ALTER COLUMN memo SET DEFAULT 'January';
                ALTER TABLE entry_2025_01 ADD CONSTRAINT entry_2025_01_in_january
                    CHECK (booked_on < DATE '2025-02-01');
                ALTER INDEX entry_2025_01_account_id_idx SET (fillfactor = 50);
                ALTER TABLE entry_2025_02 DISABLE TRIGGER entry_checked;
                CREATE INDEX entry_2025_03_memo_idx ON entry_2025_03 (memo);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, COLUMN, "public.entry_2025_01.memo"),
                        tuple(ADDED, CONSTRAINT, "public.entry_2025_01.entry_2025_01_in_january"),
                        tuple(CHANGED, INDEX, "public.entry_2025_01_account_id_idx"),
                        tuple(ADDED, INDEX, "public.entry_2025_03_memo_idx"),
                        tuple(CHANGED, TRIGGER, "public.entry_2025_02.entry_checked"));
        assertThat(properties(diff, COLUMN, "public.entry_2025_01.memo"))
                .containsExactly(new Property("default", null, "'January'::text"));
        assertThat(properties(diff, TRIGGER, "public.entry_2025_02.entry_checked"))
                .containsExactly(new Property("state", "enabled", "disabled"));
    }

    @Test
    void aChildTablesParentsAreComparedAndWhatItInheritsIsFolded(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        String tables =
                "CREATE TABLE note (id bigint NOT NULL, body text CONSTRAINT note_body_check CHECK (body <> ''));"
                        + "CREATE TABLE account_note (id bigint NOT NULL, body text CONSTRAINT note_body_check CHECK (body <> ''),"
                        + " account_id bigint NOT NULL);";
        execute(before, tables);
        execute(
                after,
                tables + "ALTER TABLE account_note INHERIT note;"
                        + "CREATE TABLE entry_note (entry_id bigint NOT NULL, body text NOT NULL) INHERITS (note);");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.account_note"),
                        tuple(ADDED, TABLE, "public.entry_note"),
                        tuple(ADDED, COLUMN, "public.entry_note.body"),
                        tuple(ADDED, COLUMN, "public.entry_note.entry_id"));
        assertThat(properties(diff, TABLE, "public.account_note"))
                .containsExactly(new Property("inherits", null, "public.note"));
        assertThat(diff.toMarkdown())
                .contains(
                        "| added | table | `public.entry_note` | `INHERITS (public.note)` |",
                        "| added | column | `public.entry_note.body` | `text NOT NULL` |");
    }
}
