package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.CONSTRAINT;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.FUNCTION;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.INDEX;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.RULE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SCHEMA;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SEQUENCE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TRIGGER;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TYPE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff} on the definitions of the ledger's objects beyond their names and types: aggregates, and
 * what a column or type has besides its type.
 */
@LakebaseBranch(migrations = SchemaDiffRenderingTests.LEDGER)
class SchemaDiffDefinitionTests {

    @Test
    void anAggregateIsItsSignatureAndDefinition(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                CREATE OR REPLACE AGGREGATE balance(numeric) (SFUNC = add_rounded, STYPE = numeric, INITCOND = '0');
                CREATE FUNCTION count_and_sum(state numeric[], amount numeric) RETURNS numeric[]
                    LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[state[1] + 1, state[2] + amount] $$;
                CREATE FUNCTION mean_of(state numeric[]) RETURNS numeric
                    LANGUAGE sql IMMUTABLE AS $$ SELECT state[2] / nullif(state[1], 0) $$;
                CREATE AGGREGATE mean_amount(numeric) (SFUNC = count_and_sum, STYPE = numeric[],
                    FINALFUNC = mean_of, INITCOND = '{0,0}', PARALLEL = SAFE);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, FUNCTION, "public.balance(numeric)"),
                        tuple(ADDED, FUNCTION, "public.count_and_sum(state numeric[], amount numeric)"),
                        tuple(ADDED, FUNCTION, "public.mean_amount(numeric)"),
                        tuple(ADDED, FUNCTION, "public.mean_of(state numeric[])"));
        assertThat(properties(diff, FUNCTION, "public.balance(numeric)"))
                .extracting(Property::name)
                .containsExactly("definition");
        String markdown = diff.toMarkdown();
        assertThat(markdown)
                .contains(
                        "| added | function | `public.mean_amount(numeric)` | `aggregate returning numeric: SFUNC ="
                                + " count_and_sum, STYPE = numeric[], FINALFUNC = mean_of, INITCOND = '{0,0}',"
                                + " PARALLEL = SAFE` |",
                        """
                        ```sql
                        CREATE AGGREGATE public.mean_amount(numeric) (
                            SFUNC = count_and_sum,
                            STYPE = numeric[],
                            FINALFUNC = mean_of,
                            INITCOND = '{0,0}',
                            PARALLEL = SAFE
                        );
                        ```
                        """,
                        """
                        ```diff
                        @@ -1,5 +1,5 @@
                         CREATE AGGREGATE public.balance(numeric) (
                        -    SFUNC = add_amount,
                        +    SFUNC = add_rounded,
                             STYPE = numeric,
                             INITCOND = '0'
                         );
                        ```
                        """)
                .doesNotContain("internal");
    }

    @Test
    void aColumnsCollationIsCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account ALTER COLUMN branch_code TYPE text COLLATE "C";
                ALTER TABLE account ADD COLUMN sort_key text COLLATE "POSIX" NOT NULL DEFAULT '';
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, COLUMN, "public.account.branch_code"),
                        tuple(ADDED, COLUMN, "public.account.sort_key"));
        assertThat(properties(diff, COLUMN, "public.account.branch_code"))
                .containsExactly(new Property("collation", null, "\"C\""));
        assertThat(diff.toMarkdown())
                .contains(
                        "| changed | column | `public.account.branch_code` | collation: none → `\"C\"` |",
                        "| added | column | `public.account.sort_key` | `text COLLATE \"POSIX\" NOT NULL DEFAULT ''::text` |");
    }

    @Test
    void theOptionsOfAnIdentityColumnsSequenceAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account ALTER COLUMN id SET START WITH 1000 SET INCREMENT BY 10 SET CACHE 20;
                CREATE TABLE voucher (number integer GENERATED BY DEFAULT AS IDENTITY (START WITH 5 MAXVALUE 999 CYCLE),
                    issued_on date) PARTITION BY RANGE (issued_on);
                CREATE TABLE voucher_2025 PARTITION OF voucher FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(ADDED, TABLE, "public.voucher"),
                        tuple(ADDED, TABLE, "public.voucher_2025"),
                        tuple(CHANGED, COLUMN, "public.account.id"),
                        tuple(ADDED, COLUMN, "public.voucher.issued_on"),
                        tuple(ADDED, COLUMN, "public.voucher.number"));
        assertThat(properties(diff, COLUMN, "public.account.id"))
                .containsExactly(new Property("identity options", null, "START WITH 1000 INCREMENT BY 10 CACHE 20"));
        assertThat(diff.toMarkdown())
                .contains("| added | column | `public.voucher.number` | `integer NOT NULL GENERATED BY DEFAULT AS"
                        + " IDENTITY (START WITH 5 MAXVALUE 999 CYCLE)` |");
    }

    @Test
    void aColumnsStorageCompressionAndOptionsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE entry ALTER COLUMN memo SET STORAGE EXTERNAL;
                ALTER TABLE account ALTER COLUMN holder SET COMPRESSION pglz;
                ALTER TABLE entry ALTER COLUMN account_id SET (n_distinct = 40);
                ALTER TABLE account ADD COLUMN note text STORAGE MAIN COMPRESSION pglz;
                ALTER TABLE account ALTER COLUMN note SET (n_distinct = -0.5);
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, COLUMN, "public.account.holder"),
                        tuple(ADDED, COLUMN, "public.account.note"),
                        tuple(CHANGED, COLUMN, "public.entry.account_id"),
                        tuple(CHANGED, COLUMN, "public.entry.memo"));
        assertThat(properties(diff, COLUMN, "public.account.holder"))
                .containsExactly(new Property("compression", null, "pglz"));
        assertThat(properties(diff, COLUMN, "public.entry.account_id"))
                .containsExactly(new Property("options", null, "n_distinct=40"));
        assertThat(properties(diff, COLUMN, "public.entry.memo"))
                .containsExactly(new Property("storage", null, "EXTERNAL"));
        assertThat(diff.toMarkdown())
                .contains("| added | column | `public.account.note` | `text STORAGE MAIN COMPRESSION pglz`, options"
                        + " n_distinct=-0.5 |");
    }

    @Test
    void commentsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                COMMENT ON SCHEMA public IS 'The ledger';
                COMMENT ON TABLE account IS 'One row per customer account';
                COMMENT ON COLUMN account.holder IS 'The holder''s legal name';
                COMMENT ON COLUMN entry.memo IS 'Free text from the teller';
                COMMENT ON CONSTRAINT entry_amount_check ON entry IS 'No entry of nothing';
                COMMENT ON INDEX entry_account_idx IS 'For statements';
                COMMENT ON TRIGGER entry_checked ON entry IS 'Checks entries';
                COMMENT ON VIEW account_balance IS 'Balances per account';
                COMMENT ON SEQUENCE voucher_number IS 'Voucher numbers';
                COMMENT ON FUNCTION add_amount(numeric, numeric) IS 'The state function of balance';
                CREATE TYPE entry_kind AS ENUM ('debit', 'credit');
                COMMENT ON TYPE entry_kind IS 'Debit | credit';
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, SCHEMA, "public"),
                        tuple(ADDED, TYPE, "public.entry_kind"),
                        tuple(CHANGED, TABLE, "public.account"),
                        tuple(CHANGED, COLUMN, "public.account.holder"),
                        tuple(CHANGED, COLUMN, "public.entry.memo"),
                        tuple(CHANGED, CONSTRAINT, "public.entry.entry_amount_check"),
                        tuple(CHANGED, INDEX, "public.entry_account_idx"),
                        tuple(CHANGED, TRIGGER, "public.entry.entry_checked"),
                        tuple(CHANGED, VIEW, "public.account_balance"),
                        tuple(CHANGED, SEQUENCE, "public.voucher_number"),
                        tuple(CHANGED, FUNCTION, "public.add_amount(total numeric, amount numeric)"));
        assertThat(diff.changed())
                .extracting(SchemaChange::properties)
                .allSatisfy(p -> assertThat(p).extracting(Property::name).containsExactly("comment"));
        assertThat(properties(diff, SCHEMA, "public"))
                .containsExactly(new Property("comment", "standard public schema", "The ledger"));
        assertThat(properties(diff, COLUMN, "public.account.holder"))
                .containsExactly(new Property("comment", null, "The holder's legal name"));
        assertThat(diff.toMarkdown())
                .contains(
                        "| added | type | `public.entry_kind` | `enum: 'debit', 'credit'`, comment 'Debit \\| credit' |");
    }

    @Test
    void aDomainsConstraintsByNameAndItsCollationAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        String domains =
                "CREATE DOMAIN currency_code AS text CONSTRAINT currency_code_check CHECK (VALUE ~ '^[A-Z]{3}$');";
        execute(before, domains + "CREATE DOMAIN branch AS text;");
        execute(
                after,
                domains
                        + "ALTER DOMAIN currency_code RENAME CONSTRAINT currency_code_check TO currency_code_format;"
                        + "CREATE DOMAIN branch AS text COLLATE \"C\";");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(tuple(CHANGED, TYPE, "public.branch"), tuple(CHANGED, TYPE, "public.currency_code"));
        assertThat(properties(diff, TYPE, "public.branch"))
                .containsExactly(new Property("definition", "text", "text COLLATE \"C\""));
        assertThat(properties(diff, TYPE, "public.currency_code"))
                .containsExactly(new Property(
                        "definition",
                        "text CONSTRAINT currency_code_check CHECK (VALUE ~ '^[A-Z]{3}$'::text)",
                        "text CONSTRAINT currency_code_format CHECK (VALUE ~ '^[A-Z]{3}$'::text)"));
    }

    @Test
    void rulesAndTheirStateAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        String rule = "CREATE RULE account_kept AS ON DELETE TO account DO INSTEAD NOTHING;";
        execute(before, rule);
        execute(
                after,
                rule + "ALTER TABLE account DISABLE RULE account_kept;"
                        + "CREATE RULE entry_2025_01_kept AS ON DELETE TO entry_2025_01 DO INSTEAD NOTHING;");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, RULE, "public.account.account_kept"),
                        tuple(ADDED, RULE, "public.entry_2025_01.entry_2025_01_kept"));
        assertThat(properties(diff, RULE, "public.account.account_kept"))
                .containsExactly(new Property("state", "enabled", "disabled"));
        assertThat(diff.toMarkdown())
                .contains("| added | rule | `public.entry_2025_01.entry_2025_01_kept` | `CREATE RULE entry_2025_01_kept"
                        + " AS ON DELETE TO entry_2025_01 DO INSTEAD NOTHING;` |");
        assertThat(diff.toString())
                .as("a definition of several lines is one line of the plain text")
                .contains("public.entry_2025_01.entry_2025_01_kept  CREATE RULE entry_2025_01_kept AS ON DELETE TO"
                        + " entry_2025_01 DO INSTEAD NOTHING;");
    }
}
