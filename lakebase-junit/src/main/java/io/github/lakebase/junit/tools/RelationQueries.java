package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads tables, views, materialized views and sequences. A partition's parent and bounds are one property,
 * {@code partition of} ({@code public.entry FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')}), and a partitioned
 * table's key another, {@code partitioned by} ({@code RANGE (booked_on)}); a child table's parents are
 * {@code inherits}.
 */
final class RelationQueries {

    private RelationQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname") + ", c.relkind, c.relpersistence, "
                        + "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, "
                        + "format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, "
                        + "(SELECT " + qualified("m.nspname", "o.relname", "a.attname")
                        + " FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid "
                        + "JOIN pg_namespace m ON m.oid = o.relnamespace "
                        + "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                        + "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass "
                        + "AND d.deptype = 'a' LIMIT 1), "
                        + "CASE WHEN c.relispartition THEN (SELECT " + qualified("pn.nspname", "p.relname")
                        + " FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = "
                        + "p.relnamespace WHERE i.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid) END, "
                        + "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
                        + "c.relrowsecurity, c.relforcerowsecurity, "
                        // storage and view options, and those of the TOAST table, sorted
                        + "(SELECT string_agg(o, ', ' ORDER BY o) FROM (SELECT unnest(c.reloptions) UNION ALL "
                        + "SELECT 'toast.' || unnest(t.reloptions)) AS x(o)), "
                        + "obj_description(c.oid, 'pg_class') AS comment, "
                        + "CASE WHEN NOT c.relispartition THEN (SELECT string_agg("
                        + qualified("pn.nspname", "p.relname")
                        + ", ', ' ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                        + "JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) END AS inherits, "
                        + "CASE c.relreplident WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL' WHEN 'i' THEN 'USING INDEX ' || "
                        + "(SELECT quote_ident(x.relname) FROM pg_index r JOIN pg_class x ON x.oid = r.indexrelid "
                        + "WHERE r.indrelid = c.oid AND r.indisreplident) END AS replica_identity "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_sequence s ON s.seqrelid = c.oid "
                        + "LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
                        + "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND" + inScope("n") + "AND"
                        + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid")
                        // the sequence behind an identity column is part of the column
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
                        + "AND d.deptype = 'i' AND c.relkind = 'S')",
                rs -> relation(catalog, rs));
    }

    private static void relation(Catalog catalog, ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        switch (rs.getString(2)) {
            case "v" ->
                catalog.add(
                        Kind.VIEW,
                        name,
                        "definition",
                        rs.getString(4),
                        "options",
                        rs.getString(17),
                        "comment",
                        rs.getString("comment"));
            case "m" ->
                catalog.add(
                        Kind.MATERIALIZED_VIEW,
                        name,
                        "definition",
                        rs.getString(4),
                        "options",
                        rs.getString(17),
                        "comment",
                        rs.getString("comment"));
            case "S" ->
                catalog.add(
                        Kind.SEQUENCE,
                        name,
                        "type",
                        rs.getString(5),
                        "start",
                        rs.getString(6),
                        "increment",
                        rs.getString(7),
                        "minimum",
                        rs.getString(8),
                        "maximum",
                        rs.getString(9),
                        "cache",
                        rs.getString(10),
                        "cycle",
                        rs.getBoolean(11) ? "yes" : "no",
                        "owned by",
                        rs.getString(12),
                        "comment",
                        rs.getString("comment"));
            default ->
                catalog.add(
                        Kind.TABLE,
                        name,
                        "type",
                        tableType(rs.getString(2), rs.getString(3)),
                        "partition of",
                        rs.getString(13),
                        "partitioned by",
                        rs.getString(14),
                        "row security",
                        rowSecurity(rs.getBoolean(15), rs.getBoolean(16)),
                        "options",
                        rs.getString(17),
                        "inherits",
                        rs.getString("inherits"),
                        "replica identity",
                        rs.getString("replica_identity"),
                        "comment",
                        rs.getString("comment"));
        }
    }

    private static String rowSecurity(boolean enabled, boolean forced) {
        return (enabled ? "enabled" : "disabled") + (forced ? ", forced" : "");
    }

    private static String tableType(String relkind, String persistence) {
        String type = switch (relkind) {
            case "p" -> "partitioned table";
            case "f" -> "foreign table";
            default -> "table";
        };
        return "u".equals(persistence) ? "unlogged " + type : type;
    }
}
