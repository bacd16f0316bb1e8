package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the columns of tables: type, collation, nullability, default, identity and generation, and the
 * statistics target set with {@code ALTER COLUMN ... SET STATISTICS}.
 */
final class ColumnQueries {

    private ColumnQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "a.attname")
                        + ", format_type(a.atttypid, a.atttypmod), "
                        + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                        // a partition's column, folded into its parent's column when it is like it
                        + "CASE WHEN c.relispartition AND NOT a.attislocal THEN (SELECT "
                        + qualified("pn.nspname", "p.relname", "a.attname")
                        + " FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = "
                        + "p.relnamespace WHERE i.inhrelid = c.oid) END, "
                        + "CASE WHEN a.attcollation <> t.typcollation THEN " + collation("a.attcollation") + " END, "
                        + "nullif(a.attstattarget, -1) "
                        + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "JOIN pg_type t ON t.oid = a.atttypid "
                        + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                        + "WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND"
                        + inScope("n")
                        + "AND" + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> column(catalog, rs));
    }

    /** The name of the collation {@code oid}, schema-qualified unless it is in {@code pg_catalog}: {@code "C"}. */
    static String collation(String oid) {
        return "(SELECT CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN quote_ident(co.collname) ELSE "
                + qualified("cn.nspname", "co.collname") + " END FROM pg_collation co JOIN pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = " + oid + ")";
    }

    private static void column(Catalog catalog, ResultSet rs) throws SQLException {
        String expression = rs.getString(4);
        String generated = rs.getString(6);
        String identity = rs.getString(5);
        boolean isGenerated = generated != null && !generated.isEmpty();
        String name = rs.getString(1);
        String parent = rs.getString(7);
        if (parent != null) {
            catalog.foldIfLike(Kind.COLUMN, name, parent);
        }
        catalog.add(
                Kind.COLUMN,
                name,
                "type",
                rs.getString(2),
                "collation",
                rs.getString(8),
                "nullable",
                rs.getBoolean(3) ? "no" : "yes",
                "default",
                isGenerated ? null : expression,
                "generated",
                isGenerated ? expression + ("v".equals(generated) ? " (virtual)" : " (stored)") : null,
                "identity",
                "a".equals(identity) ? "always" : "d".equals(identity) ? "by default" : null,
                "statistics",
                rs.getString(9));
    }
}
