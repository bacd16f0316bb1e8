package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.FUNCTION;
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
}
