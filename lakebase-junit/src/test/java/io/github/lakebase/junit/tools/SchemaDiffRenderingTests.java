package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaDiffTests.resource;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.CONSTRAINT;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.FUNCTION;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.INDEX;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SCHEMA;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SEQUENCE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TRIGGER;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@link SchemaDiff} names and describes objects, on branches of the ledger schema. */
@LakebaseBranch(migrations = SchemaDiffRenderingTests.LEDGER)
class SchemaDiffRenderingTests {

    static final String LEDGER = "classpath:migrations/ledger";

    @Test
    void namesAreQuotedAsPostgresqlQuotesThem(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                CREATE SCHEMA "Reports";
                CREATE TYPE "Reports"."Mood" AS ENUM ('calm');
                CREATE TABLE "Reports"."Order" ("Total" numeric, "my column" text, "select" integer, plain text);
                CREATE INDEX "Order by total" ON "Reports"."Order" ("Total");
                ALTER TABLE "Reports"."Order" ADD CONSTRAINT "Total positive" CHECK ("Total" > 0);
                CREATE SEQUENCE "Reports"."Order number" OWNED BY "Reports"."Order"."select";
                CREATE FUNCTION "Reports"."Grand total"("Order" "Reports"."Order") RETURNS numeric
                    LANGUAGE sql AS $$ SELECT $1."Total" $$;
                CREATE TRIGGER "Checked" BEFORE INSERT ON "Reports"."Order"
                    FOR EACH ROW EXECUTE FUNCTION entry_checked();
                CREATE TABLE "my table" (id integer);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(SCHEMA, "\"Reports\""),
                        tuple(TYPE, "\"Reports\".\"Mood\""),
                        tuple(TABLE, "\"Reports\".\"Order\""),
                        tuple(TABLE, "public.\"my table\""),
                        tuple(COLUMN, "\"Reports\".\"Order\".\"Total\""),
                        tuple(COLUMN, "\"Reports\".\"Order\".\"my column\""),
                        tuple(COLUMN, "\"Reports\".\"Order\".\"select\""),
                        tuple(COLUMN, "\"Reports\".\"Order\".plain"),
                        tuple(COLUMN, "public.\"my table\".id"),
                        tuple(CONSTRAINT, "\"Reports\".\"Order\".\"Total positive\""),
                        tuple(INDEX, "\"Reports\".\"Order by total\""),
                        tuple(TRIGGER, "\"Reports\".\"Order\".\"Checked\""),
                        tuple(SEQUENCE, "\"Reports\".\"Order number\""),
                        tuple(FUNCTION, "\"Reports\".\"Grand total\"(\"Order\" \"Reports\".\"Order\")"));
        assertThat(diff.find(SEQUENCE, "\"Reports\".\"Order number\"")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("owned by", "\"Reports\".\"Order\".\"select\"");
        assertThat(diff.find(INDEX, "\"Reports\".\"Order by total\"")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("table", "\"Reports\".\"Order\"");
    }

    @Test
    void aTriggerReadsAsEnabledDisabledOrEnabledAlwaysOrOnReplicasOnly(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE entry DISABLE TRIGGER entry_checked;
                CREATE TRIGGER account_always BEFORE UPDATE ON account
                    FOR EACH ROW EXECUTE FUNCTION entry_checked();
                ALTER TABLE account ENABLE ALWAYS TRIGGER account_always;
                CREATE TRIGGER account_replica BEFORE DELETE ON account
                    FOR EACH ROW EXECUTE FUNCTION entry_checked();
                ALTER TABLE account ENABLE REPLICA TRIGGER account_replica;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(properties(diff, TRIGGER, "public.entry.entry_checked"))
                .containsExactly(new Property("state", "enabled", "disabled"));
        assertThat(diff.find(TRIGGER, "public.account.account_always")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("state", "enabled always");
        assertThat(diff.find(TRIGGER, "public.account.account_replica")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("state", "enabled replica");
        assertThat(diff.toMarkdown())
                .contains(
                        "| changed | trigger | `public.entry.entry_checked` | state: `enabled` → `disabled` |",
                        "| added | trigger | `public.account.account_always` | `CREATE TRIGGER account_always BEFORE UPDATE"
                                + " ON account FOR EACH ROW EXECUTE FUNCTION entry_checked()`, enabled always |",
                        "`, enabled replica |");
        assertThat(diff.toString()).contains("state: enabled → disabled").doesNotContain("none");
    }

    @Test
    void aLedgerAndItsCopyHaveNoDifferenceHoweverTheCopyWasBuilt(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        assertThat(SchemaDiff.between(before, after).changes()).isEmpty();
        execute(before, """
                CREATE TABLE ledger_note (id bigint, body text) WITH (fillfactor = 80, autovacuum_enabled = false);
                GRANT SELECT, INSERT ON ledger_note TO ledger_clerk;
                CREATE POLICY ledger_note_read ON ledger_note FOR SELECT TO ledger_reader, ledger_clerk USING (true);
                """);
        execute(after, """
                ALTER TABLE entry DETACH PARTITION entry_2025_02;
                ALTER TABLE entry ATTACH PARTITION entry_2025_02 FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
                CREATE TABLE ledger_note (id bigint, body text) WITH (autovacuum_enabled = false, fillfactor = 80);
                GRANT INSERT ON ledger_note TO ledger_clerk;
                GRANT SELECT ON ledger_note TO ledger_clerk;
                CREATE POLICY ledger_note_read ON ledger_note FOR SELECT TO ledger_clerk, ledger_reader USING (true);
                REVOKE SELECT ON account FROM ledger_reader;
                GRANT SELECT ON account TO ledger_reader;
                """);

        assertThat(SchemaDiff.between(before, after).changes()).isEmpty();
    }

    @Test
    void theLedgersMarkdownIsAsGolden(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, resource("tools/ledger-v2.sql"));

        String markdown = SchemaDiff.options()
                .labels("ledger v1", "ledger v2")
                .between(before, after)
                .toMarkdown();

        String golden = resource("tools/ledger-v2.golden.md");
        if (!markdown.equals(golden)) {
            Path actual = Path.of("target", "ledger-v2.actual.md");
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, markdown);
        }
        assertThat(markdown).as("compare with target/ledger-v2.actual.md").isEqualTo(golden);
    }
}
