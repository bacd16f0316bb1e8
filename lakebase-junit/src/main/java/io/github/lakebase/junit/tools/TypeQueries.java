package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.ColumnQueries.collation;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.SQLException;

/**
 * Reads schemas, extensions and types: an enum's values in order, a domain's base type, collation, nullability,
 * default and named constraints, a composite type's attributes, a range's subtype.
 */
final class TypeQueries {

    private TypeQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT quote_ident(n.nspname), obj_description(n.oid, 'pg_namespace') AS comment FROM pg_namespace n WHERE"
                        + inScope("n") + "AND" + notFromExtension("pg_namespace", "n.oid"),
                rs -> catalog.add(Kind.SCHEMA, rs.getString(1), "comment", rs.getString("comment")));
        catalog.query(
                "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
                        + "e.extnamespace WHERE" + inScope("n"),
                rs -> catalog.add(
                        Kind.EXTENSION, rs.getString(1), "version", rs.getString(2), "schema", rs.getString(3)));
        catalog.query(
                "SELECT " + qualified("n.nspname", "t.typname") + ", t.typtype, CASE t.typtype "
                        + "WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
                        + "FROM pg_enum e WHERE e.enumtypid = t.oid) "
                        + "WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) "
                        + "|| CASE WHEN t.typcollation <> b.typcollation THEN ' COLLATE ' || "
                        + collation("t.typcollation")
                        + " ELSE '' END || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END "
                        + "|| coalesce(' DEFAULT ' || t.typdefault, '') || coalesce((SELECT ' ' || string_agg('CONSTRAINT ' "
                        + "|| quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid, true), ' ' ORDER BY k.conname) "
                        + "FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '') "
                        + "WHEN 'c' THEN (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' "
                        + "ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) "
                        + "WHEN 'r' THEN (SELECT 'range of ' || format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) "
                        + "END, obj_description(t.oid, 'pg_type') AS comment FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                        + "LEFT JOIN pg_type b ON b.oid = t.typbasetype "
                        + "WHERE t.typtype IN ('e', 'd', 'c', 'r') "
                        + "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND"
                        + inScope("n") + "AND" + notFromExtension("pg_type", "t.oid"),
                rs -> catalog.add(
                        Kind.TYPE,
                        rs.getString(1),
                        "type",
                        typeType(rs.getString(2)),
                        "definition",
                        rs.getString(3),
                        "comment",
                        rs.getString("comment")));
    }

    private static String typeType(String typtype) {
        return switch (typtype) {
            case "e" -> "enum";
            case "d" -> "domain";
            case "c" -> "composite";
            default -> "range";
        };
    }
}
