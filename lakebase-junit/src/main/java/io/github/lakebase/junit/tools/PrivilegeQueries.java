package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads privileges: for each object and grantee, what differs from the object's defaults (the owner holds
 * everything, {@code PUBLIC} may execute functions and use types), written as the statements that make it:
 * {@code GRANT SELECT, INSERT ON TABLE public.orders TO report_reader},
 * {@code REVOKE EXECUTE ON FUNCTION public.f(integer) FROM PUBLIC}; and default privileges likewise, per role,
 * schema (or all schemas), kind of object and grantee. Who granted a privilege is not compared.
 */
final class PrivilegeQueries {

    /** The kind of a relation for {@code acldefault}: a sequence or a table (views and the like are tables). */
    private static final String RELATION_TYPE = "CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\"";

    /** The kind of the objects of a default privilege for {@code acldefault}. */
    private static final String DEFAULT_TYPE = "CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END";

    /** The privileges in the order SQL usually lists them. */
    private static final String ORDER = "array_position(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', "
            + "'REFERENCES', 'TRIGGER', 'MAINTAIN', 'USAGE', 'CREATE', 'EXECUTE', 'CONNECT', 'TEMPORARY', 'SET', "
            + "'ALTER SYSTEM'], e.privilege_type)";

    /**
     * The objects that have privileges: what they are called in {@code GRANT}, their name, a column's name, their
     * ACL, their default ACL, and how many privileges the owner has by default (the size of {@code ALL}).
     */
    private static final String OBJECTS = "WITH target(kind, target, col, acl, defaults, everything) AS ("
            + "SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, "
            + qualified("n.nspname", "c.relname")
            + ", NULL::text, c.relacl, acldefault(" + RELATION_TYPE + ", c.relowner), "
            + everything(RELATION_TYPE, "c.relowner")
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND" + inScope("n") + "AND" + tableInScope("n", "c")
            + "AND" + notFromExtension("pg_class", "c.oid") + "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
            + "d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i' AND c.relkind = 'S') "
            + "UNION ALL SELECT 'COLUMN', " + qualified("n.nspname", "c.relname") + ", quote_ident(a.attname), "
            + "a.attacl, NULL, NULL FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attacl IS NOT NULL AND a.attnum > 0 "
            + "AND NOT a.attisdropped AND" + inScope("n") + "AND" + tableInScope("n", "c") + "AND"
            + notFromExtension("pg_class", "c.oid")
            + "UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, "
            + qualified("n.nspname", "p.proname") + " || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
            + "NULL, p.proacl, acldefault('f', p.proowner), " + everything("'f'", "p.proowner")
            + " FROM pg_proc p JOIN pg_namespace n ON "
            + "n.oid = p.pronamespace WHERE" + inScope("n") + "AND" + notFromExtension("pg_proc", "p.oid")
            + "UNION ALL SELECT 'SCHEMA', quote_ident(n.nspname), NULL, n.nspacl, acldefault('n', n.nspowner), "
            + everything("'n'", "n.nspowner")
            + " FROM pg_namespace n WHERE" + inScope("n") + "AND" + notFromExtension("pg_namespace", "n.oid")
            + "UNION ALL SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, "
            + qualified("n.nspname", "t.typname") + ", NULL, t.typacl, acldefault('T', t.typowner), "
            + everything("'T'", "t.typowner")
            + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'c', 'r') "
            + "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND"
            + inScope("n") + "AND" + notFromExtension("pg_type", "t.oid")
            // default privileges: a global entry replaces the built-in defaults, a schema's adds to them
            + "UNION ALL SELECT 'DEFAULT', 'FOR ROLE ' || quote_ident(o.rolname) || coalesce(' IN SCHEMA ' || "
            + "quote_ident(n.nspname), ''), CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' "
            + "WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' ELSE 'LARGE OBJECTS' END, "
            + "d.defaclacl, CASE WHEN d.defaclnamespace = 0 THEN acldefault(" + DEFAULT_TYPE + ", d.defaclrole) END, "
            + everything(DEFAULT_TYPE, "d.defaclrole")
            + " FROM pg_default_acl d JOIN pg_roles o ON o.oid = d.defaclrole "
            + "LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE CASE WHEN d.defaclnamespace = 0 "
            + "THEN cardinality((SELECT schemas FROM scope)) = 0 ELSE" + inScope("n") + "END)";

    /**
     * Per object, grantee and privilege: whether the grantee has it, with grant option, and whether it has it by
     * default; then per object and grantee the privileges granted, granted with grant option, and revoked.
     */
    private static final String DIFFERENCES = ", entry AS (SELECT t.kind, t.target, t.col, t.everything, e.grantee, "
            + "e.privilege_type, " + ORDER + " AS position, bool_or(e.actual) AS actual, "
            + "bool_or(e.actual AND e.is_grantable) AS grantable, bool_or(NOT e.actual) AS by_default "
            + "FROM target t, LATERAL (SELECT x.grantee, x.privilege_type, x.is_grantable, true AS actual "
            + "FROM aclexplode(coalesce(t.acl, t.defaults)) x UNION ALL SELECT d.grantee, d.privilege_type, false, "
            + "false FROM aclexplode(t.defaults) d) e GROUP BY 1, 2, 3, 4, 5, 6, 7) "
            + "SELECT e.kind, e.target, e.col, CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, "
            + "string_agg(e.privilege_type, ', ' ORDER BY e.position) FILTER "
            + "(WHERE e.actual AND NOT e.grantable AND NOT e.by_default), "
            + "string_agg(e.privilege_type, ', ' ORDER BY e.position) FILTER (WHERE e.grantable), "
            + "string_agg(e.privilege_type, ', ' ORDER BY e.position) FILTER (WHERE e.by_default AND NOT e.actual), "
            + "e.everything FROM entry e LEFT JOIN pg_roles r ON r.oid = e.grantee "
            + "GROUP BY e.kind, e.target, e.col, e.everything, e.grantee, r.rolname "
            + "HAVING bool_or(e.actual <> e.by_default OR e.grantable)";

    private PrivilegeQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(OBJECTS + DIFFERENCES, rs -> privilege(catalog, rs));
    }

    /** How many privileges the owner of an object has by default, for {@code ALL}. */
    private static String everything(String type, String owner) {
        return "(SELECT count(*) FROM aclexplode(acldefault(" + type + ", " + owner + ")) o WHERE o.grantee = " + owner
                + ")";
    }

    private static void privilege(Catalog catalog, ResultSet rs) throws SQLException {
        String kind = rs.getString(1);
        String target = rs.getString(2);
        String column = rs.getString(3);
        String grantee = rs.getString(4);
        if (kind.equals("DEFAULT")) {
            // FOR ROLE app IN SCHEMA public, and the kind of objects, such as TABLES, in place of a column
            add(
                    catalog,
                    Kind.DEFAULT_PRIVILEGE,
                    target + " ON " + column + " TO " + grantee,
                    rs,
                    "ALTER DEFAULT PRIVILEGES " + target + " ",
                    column,
                    null);
        } else {
            String on = column == null ? kind + " " + target : "TABLE " + target;
            String name = (column == null ? on : "COLUMN " + target + "." + column) + " TO " + grantee;
            add(catalog, Kind.PRIVILEGE, name, rs, "", on, column);
        }
    }

    /**
     * Adds the privileges of a row: {@code granted} as one {@code GRANT} of those without grant option and one of
     * those with, {@code revoked} as a {@code REVOKE}.
     */
    private static void add(
            Catalog catalog, Kind kind, String name, ResultSet rs, String prefix, String on, String column)
            throws SQLException {
        String grantee = rs.getString(4);
        long everything = rs.getLong(8);
        List<String> granted = new ArrayList<>();
        if (rs.getString(5) != null) {
            granted.add(prefix + "GRANT " + privileges(rs.getString(5), column, everything) + " ON " + on + " TO "
                    + grantee);
        }
        if (rs.getString(6) != null) {
            granted.add(prefix + "GRANT " + privileges(rs.getString(6), column, everything) + " ON " + on + " TO "
                    + grantee + " WITH GRANT OPTION");
        }
        String revoked = rs.getString(7) == null
                ? null
                : prefix + "REVOKE " + privileges(rs.getString(7), column, everything) + " ON " + on + " FROM "
                        + grantee;
        catalog.add(kind, name, "granted", granted.isEmpty() ? null : String.join("; ", granted), "revoked", revoked);
    }

    /** {@code SELECT, INSERT}; {@code ALL} when that is every privilege of the object; a column's in brackets. */
    private static String privileges(String list, String column, long everything) {
        List<String> each = Arrays.asList(list.split(", "));
        if (column != null) {
            return each.stream().map(p -> p + " (" + column + ")").collect(Collectors.joining(", "));
        }
        return everything > 1 && each.size() == everything ? "ALL" : list;
    }
}
