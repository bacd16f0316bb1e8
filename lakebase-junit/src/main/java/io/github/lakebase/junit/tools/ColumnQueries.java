package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the columns of tables: type, collation, nullability, default, identity (and its sequence's options) and
 * generation, and what {@code ALTER COLUMN} sets besides: storage, compression, options such as
 * {@code n_distinct}, and the statistics target.
 */
final class ColumnQueries {

    /**
     * The options of an identity column's sequence that are not the defaults, as {@code CREATE TABLE} writes them:
     * {@code START WITH 1000 INCREMENT BY 10}.
     */
    private static final String IDENTITY_OPTIONS = "(SELECT nullif(concat_ws(' ', "
            + "CASE WHEN s.seqstart <> CASE WHEN s.seqincrement > 0 THEN s.seqmin ELSE s.seqmax END "
            + "THEN 'START WITH ' || s.seqstart END, "
            + "CASE WHEN s.seqincrement <> 1 THEN 'INCREMENT BY ' || s.seqincrement END, "
            + "CASE WHEN s.seqmin <> CASE WHEN s.seqincrement > 0 THEN 1 ELSE CASE s.seqtypid WHEN 'int2'::regtype "
            + "THEN -32768 WHEN 'int4'::regtype THEN -2147483648 ELSE -9223372036854775808 END END "
            + "THEN 'MINVALUE ' || s.seqmin END, "
            + "CASE WHEN s.seqmax <> CASE WHEN s.seqincrement < 0 THEN -1 ELSE CASE s.seqtypid WHEN 'int2'::regtype "
            + "THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END END "
            + "THEN 'MAXVALUE ' || s.seqmax END, "
            + "CASE WHEN s.seqcache <> 1 THEN 'CACHE ' || s.seqcache END, CASE WHEN s.seqcycle THEN 'CYCLE' END), '') "
            + "FROM pg_depend q JOIN pg_sequence s ON s.seqrelid = q.objid WHERE q.classid = 'pg_class'::regclass "
            + "AND q.refclassid = 'pg_class'::regclass AND q.refobjid = c.oid AND q.refobjsubid = a.attnum "
            + "AND q.deptype = 'i')";

    private ColumnQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "a.attname")
                        + ", format_type(a.atttypid, a.atttypmod), "
                        + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                        // an inherited column, folded into its parent's column when it is like it
                        + "CASE WHEN NOT a.attislocal THEN (SELECT " + qualified("pn.nspname", "p.relname", "a.attname")
                        + " FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = "
                        + "p.relnamespace JOIN pg_attribute pa ON pa.attrelid = p.oid AND pa.attname = a.attname "
                        + "WHERE i.inhrelid = c.oid AND NOT pa.attisdropped ORDER BY i.inhseqno LIMIT 1) END, "
                        + "CASE WHEN a.attcollation <> t.typcollation THEN " + collation("a.attcollation") + " END, "
                        + "nullif(a.attstattarget, -1), " + IDENTITY_OPTIONS + ", "
                        + "CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'PLAIN' "
                        + "WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END END, "
                        + "CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END, "
                        + "nullif(array_to_string(ARRAY(SELECT unnest(a.attoptions) ORDER BY 1), ', '), ''), "
                        + "col_description(c.oid, a.attnum) AS comment, " + qualified("n.nspname", "c.relname")
                        + " AS owner "
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
            catalog.foldIfLike(Kind.COLUMN, name, parent, rs.getString("owner"));
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
                "identity options",
                rs.getString(10),
                "storage",
                rs.getString(11),
                "compression",
                rs.getString(12),
                "options",
                rs.getString(13),
                "statistics",
                rs.getString(9),
                "comment",
                rs.getString("comment"));
    }
}
