package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.REMOVED;
import static io.github.lakebase.junit.tools.SchemaDiffTests.execute;
import static io.github.lakebase.junit.tools.SchemaDiffTests.properties;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.DEFAULT_PRIVILEGE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.POLICY;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.PRIVILEGE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff} on who may see and change what in the ledger: row-level security and its policies, security
 * options of views, privileges and default privileges.
 */
@LakebaseBranch(migrations = SchemaDiffRenderingTests.LEDGER)
class SchemaDiffSecurityTests {

    @Test
    void rowLevelSecurityAndPoliciesAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER TABLE account ENABLE ROW LEVEL SECURITY;
                ALTER TABLE account FORCE ROW LEVEL SECURITY;
                CREATE POLICY account_own_branch ON account AS RESTRICTIVE FOR SELECT TO ledger_reader, ledger_clerk
                    USING (branch_code = current_setting('ledger.branch'));
                CREATE POLICY account_clerk_writes ON account FOR INSERT TO ledger_clerk
                    WITH CHECK (branch_code <> '' AND holder <> '');
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.account"),
                        tuple(ADDED, POLICY, "public.account.account_clerk_writes"),
                        tuple(ADDED, POLICY, "public.account.account_own_branch"));
        assertThat(properties(diff, TABLE, "public.account"))
                .containsExactly(new Property("row security", "disabled", "enabled, forced"));
        assertThat(diff.find(POLICY, "public.account.account_own_branch")
                        .orElseThrow()
                        .after()
                        .properties())
                .containsEntry("as", "RESTRICTIVE")
                .containsEntry("for", "SELECT")
                .containsEntry("to", "ledger_clerk, ledger_reader")
                .containsEntry("using", "branch_code = current_setting('ledger.branch'::text)")
                .doesNotContainKey("with check");
        assertThat(diff.toMarkdown())
                .contains(
                        "| changed | table | `public.account` | row security: `disabled` → `enabled, forced` |",
                        "| added | policy | `public.account.account_clerk_writes` | `AS PERMISSIVE FOR INSERT TO"
                                + " ledger_clerk WITH CHECK (branch_code <> ''::text AND holder <> ''::text)` |",
                        "| added | policy | `public.account.account_own_branch` | `AS RESTRICTIVE FOR SELECT TO"
                                + " ledger_clerk, ledger_reader USING (branch_code ="
                                + " current_setting('ledger.branch'::text))` |");
    }

    @Test
    void aChangedPolicySaysWhatChanged(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(before, "CREATE POLICY account_visible ON account USING (true)");
        execute(
                after,
                "CREATE POLICY account_visible ON account FOR UPDATE TO ledger_clerk USING (opened_on > '2020-01-01')"
                        + " WITH CHECK (opened_on > '2020-01-01')");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(tuple(CHANGED, POLICY, "public.account.account_visible"));
        assertThat(properties(diff, POLICY, "public.account.account_visible"))
                .containsExactly(
                        new Property("for", "ALL", "UPDATE"),
                        new Property("to", "PUBLIC", "ledger_clerk"),
                        new Property("using", "true", "opened_on > '2020-01-01'::date"),
                        new Property("with check", null, "opened_on > '2020-01-01'::date"));
    }

    @Test
    void aViewsSecurityOptionsAreCompared(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER VIEW account_balance SET (security_invoker = true);
                CREATE VIEW recent_entry WITH (security_barrier) AS
                    SELECT id, booked_on, amount FROM entry WHERE booked_on > DATE '2025-03-01'
                    WITH LOCAL CHECK OPTION;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, VIEW, "public.account_balance"), tuple(ADDED, VIEW, "public.recent_entry"));
        assertThat(properties(diff, VIEW, "public.account_balance"))
                .containsExactly(new Property("options", null, "security_invoker=true"));
        assertThat(diff.find(VIEW, "public.recent_entry").orElseThrow().after().properties())
                .containsEntry("options", "check_option=local, security_barrier=true");
        assertThat(diff.toMarkdown())
                .contains("| changed | view | `public.account_balance` | options: none → `security_invoker=true` |");
    }

    @Test
    void privilegesAreComparedPerObjectAndGrantee(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                GRANT INSERT ON account TO ledger_reader;
                REVOKE SELECT ON entry FROM ledger_reader;
                GRANT ALL ON account TO ledger_clerk;
                GRANT SELECT ON account_balance TO ledger_clerk WITH GRANT OPTION;
                GRANT UPDATE (holder) ON account TO ledger_clerk WITH GRANT OPTION;
                GRANT USAGE, SELECT ON SEQUENCE voucher_number TO ledger_reader;
                GRANT EXECUTE ON FUNCTION add_rounded(numeric, numeric) TO ledger_clerk;
                REVOKE EXECUTE ON FUNCTION add_amount(numeric, numeric) FROM PUBLIC;
                GRANT CREATE ON SCHEMA public TO ledger_clerk;
                CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0);
                REVOKE USAGE ON DOMAIN positive_amount FROM PUBLIC;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .filteredOn(c -> c.kind() == PRIVILEGE)
                .extracting(
                        SchemaChange::type,
                        SchemaChange::name,
                        c -> String.join("; ", c.object().properties().values()))
                .containsExactly(
                        tuple(
                                ADDED,
                                "COLUMN public.account.holder TO ledger_clerk",
                                "GRANT UPDATE (holder) ON TABLE public.account TO ledger_clerk WITH GRANT OPTION"),
                        tuple(
                                ADDED,
                                "DOMAIN public.positive_amount TO PUBLIC",
                                "REVOKE USAGE ON DOMAIN public.positive_amount FROM PUBLIC"),
                        tuple(
                                ADDED,
                                "FUNCTION public.add_amount(total numeric, amount numeric) TO PUBLIC",
                                "REVOKE EXECUTE ON FUNCTION public.add_amount(total numeric, amount numeric) FROM"
                                        + " PUBLIC"),
                        tuple(
                                ADDED,
                                "FUNCTION public.add_rounded(total numeric, amount numeric) TO ledger_clerk",
                                "GRANT EXECUTE ON FUNCTION public.add_rounded(total numeric, amount numeric) TO"
                                        + " ledger_clerk"),
                        tuple(ADDED, "SCHEMA public TO ledger_clerk", "GRANT CREATE ON SCHEMA public TO ledger_clerk"),
                        tuple(
                                ADDED,
                                "SEQUENCE public.voucher_number TO ledger_reader",
                                "GRANT SELECT, USAGE ON SEQUENCE public.voucher_number TO ledger_reader"),
                        tuple(
                                ADDED,
                                "TABLE public.account TO ledger_clerk",
                                "GRANT ALL ON TABLE public.account TO ledger_clerk"),
                        tuple(
                                CHANGED,
                                "TABLE public.account TO ledger_reader",
                                "GRANT SELECT, INSERT ON TABLE public.account TO ledger_reader"),
                        tuple(
                                ADDED,
                                "TABLE public.account_balance TO ledger_clerk",
                                "GRANT SELECT ON TABLE public.account_balance TO ledger_clerk WITH GRANT OPTION"),
                        tuple(
                                REMOVED,
                                "TABLE public.entry TO ledger_reader",
                                "GRANT SELECT ON TABLE public.entry TO ledger_reader"));
        assertThat(diff.toMarkdown())
                .contains(
                        "| changed | privilege | `TABLE public.account TO ledger_reader` | granted: `GRANT SELECT ON"
                                + " TABLE public.account TO ledger_reader` → `GRANT SELECT, INSERT ON TABLE"
                                + " public.account TO ledger_reader` |",
                        "| removed | privilege | `TABLE public.entry TO ledger_reader` | `GRANT SELECT ON TABLE"
                                + " public.entry TO ledger_reader` |");
    }

    @Test
    void defaultPrivilegesAreComparedPerRoleSchemaKindAndGrantee(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, """
                ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner IN SCHEMA public GRANT INSERT ON TABLES TO ledger_reader;
                ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner GRANT USAGE ON SEQUENCES TO ledger_clerk;
                ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
                """);

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(
                        SchemaChange::type,
                        SchemaChange::kind,
                        SchemaChange::name,
                        c -> String.join("; ", c.object().properties().values()))
                .containsExactly(
                        tuple(
                                CHANGED,
                                DEFAULT_PRIVILEGE,
                                "FOR ROLE ledger_owner IN SCHEMA public ON TABLES TO ledger_reader",
                                "ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner IN SCHEMA public GRANT SELECT, INSERT ON"
                                        + " TABLES TO ledger_reader"),
                        tuple(
                                ADDED,
                                DEFAULT_PRIVILEGE,
                                "FOR ROLE ledger_owner ON FUNCTIONS TO PUBLIC",
                                "ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"),
                        tuple(
                                ADDED,
                                DEFAULT_PRIVILEGE,
                                "FOR ROLE ledger_owner ON SEQUENCES TO ledger_clerk",
                                "ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner GRANT USAGE ON SEQUENCES TO ledger_clerk"));
        assertThat(SchemaDiff.options().schemas("public").between(before, after).changes())
                .as("default privileges of every schema belong to no schema")
                .extracting(SchemaChange::name)
                .containsExactly("FOR ROLE ledger_owner IN SCHEMA public ON TABLES TO ledger_reader");
    }
}
