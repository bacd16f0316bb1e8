package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads what belongs to a table besides its columns: constraints, indexes, triggers, row-level security
 * policies, rules and extended statistics. Those a partition has
 * from its parent (cloned when the partition was made or attached) are folded into the parent's: an index of a
 * partitioned table is one index, shown as {@code CREATE INDEX ... ON public.entry}, not {@code ON ONLY}.
 */
final class TableObjectQueries {

    private TableObjectQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "k.conname") + ", k.contype, "
                        + "pg_get_constraintdef(k.oid, true), "
                        // the parent's constraint this one was cloned from or inherits, if any
                        + "CASE WHEN k.conparentid <> 0 THEN (SELECT "
                        + qualified("pn.nspname", "pc.relname", "pk.conname")
                        + " FROM pg_constraint pk JOIN pg_class pc ON pc.oid = pk.conrelid JOIN pg_namespace pn ON "
                        + "pn.oid = pc.relnamespace WHERE pk.oid = k.conparentid) "
                        + "WHEN k.coninhcount > 0 AND NOT k.conislocal THEN (SELECT "
                        + qualified("pn.nspname", "p.relname", "k.conname") + " FROM pg_inherits i JOIN pg_class p ON "
                        + "p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace JOIN pg_constraint pk ON "
                        + "pk.conrelid = p.oid AND pk.conname = k.conname WHERE i.inhrelid = c.oid ORDER BY i.inhseqno "
                        + "LIMIT 1) END AS parent, " + qualified("n.nspname", "c.relname") + " AS owner, "
                        // the storage options of the index of a primary key, unique or exclusion constraint
                        + "(SELECT string_agg(o, ', ' ORDER BY o) FROM pg_class x, unnest(x.reloptions) AS o "
                        + "WHERE x.oid = k.conindid AND k.contype IN ('p', 'u', 'x')) AS options, "
                        + "obj_description(k.oid, 'pg_constraint') AS comment "
                        + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND" + inScope("n") + "AND"
                        + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> {
                    String name = rs.getString(1);
                    catalog.add(
                            Kind.CONSTRAINT,
                            name,
                            "type",
                            constraintType(rs.getString(2)),
                            "definition",
                            rs.getString(3),
                            "options",
                            rs.getString("options"),
                            "comment",
                            rs.getString("comment"));
                    if (rs.getString("parent") != null && rs.getString("comment") == null) {
                        catalog.fold(Kind.CONSTRAINT, name, rs.getString("parent"), rs.getString("owner"));
                    }
                });
        catalog.query(
                "SELECT " + qualified("n.nspname", "x.relname") + ", " + qualified("n.nspname", "c.relname")
                        + ", pg_get_indexdef(i.indexrelid), c.relkind, quote_ident(x.relname), i.indisunique, "
                        + "i.indisvalid, (SELECT " + qualified("pn.nspname", "px.relname") + " FROM pg_inherits h "
                        + "JOIN pg_class px ON px.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = px.relnamespace "
                        + "WHERE h.inhrelid = x.oid AND px.reloptions IS NOT DISTINCT FROM x.reloptions) AS parent, "
                        + "obj_description(x.oid, 'pg_class') AS comment "
                        + "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = x.relnamespace WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k "
                        + "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) AND"
                        + inScope("n") + "AND" + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> index(catalog, rs));
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "t.tgname") + ", pg_get_triggerdef(t.oid, true), "
                        + "t.tgenabled, (SELECT " + qualified("pn.nspname", "pc.relname", "p.tgname")
                        + " FROM pg_trigger p "
                        + "JOIN pg_class pc ON pc.oid = p.tgrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
                        + "WHERE p.oid = t.tgparentid AND p.tgenabled = t.tgenabled) AS parent, "
                        + qualified("n.nspname", "c.relname") + " AS owner, "
                        + "obj_description(t.oid, 'pg_trigger') AS comment "
                        + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE NOT t.tgisinternal AND" + inScope("n") + "AND" + tableInScope("n", "c") + "AND"
                        + notFromExtension("pg_class", "c.oid"),
                rs -> {
                    String name = rs.getString(1);
                    catalog.add(
                            Kind.TRIGGER,
                            name,
                            "definition",
                            rs.getString(2),
                            "state",
                            triggerState(rs.getString(3)),
                            "comment",
                            rs.getString("comment"));
                    if (rs.getString("parent") != null && rs.getString("comment") == null) {
                        catalog.fold(Kind.TRIGGER, name, rs.getString("parent"), rs.getString("owner"));
                    }
                });
        policies(catalog);
        rulesAndStatistics(catalog);
    }

    private static void rulesAndStatistics(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "r.rulename") + ", pg_get_ruledef(r.oid, true), "
                        + "r.ev_enabled, obj_description(r.oid, 'pg_rewrite') AS comment FROM pg_rewrite r "
                        + "JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE r.rulename <> '_RETURN' AND" + inScope("n") + "AND" + tableInScope("n", "c") + "AND"
                        + notFromExtension("pg_class", "c.oid"),
                rs -> catalog.add(
                        Kind.RULE,
                        rs.getString(1),
                        "definition",
                        rs.getString(2),
                        "state",
                        triggerState(rs.getString(3)),
                        "comment",
                        rs.getString("comment")));
        catalog.query(
                "SELECT " + qualified("n.nspname", "s.stxname") + ", pg_get_statisticsobjdef(s.oid), "
                        + "nullif(s.stxstattarget, -1), obj_description(s.oid, 'pg_statistic_ext') AS comment "
                        + "FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace "
                        + "JOIN pg_class c ON c.oid = s.stxrelid JOIN pg_namespace m ON m.oid = c.relnamespace WHERE"
                        + inScope("n") + "AND" + tableInScope("m", "c") + "AND"
                        + notFromExtension("pg_statistic_ext", "s.oid"),
                rs -> catalog.add(
                        Kind.STATISTICS,
                        rs.getString(1),
                        "definition",
                        rs.getString(2),
                        "statistics",
                        rs.getString(3),
                        "comment",
                        rs.getString("comment")));
    }

    private static void policies(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "p.polname") + ", p.polpermissive, p.polcmd, "
                        + "(SELECT string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE quote_ident(a.rolname) END, ', ' "
                        + "ORDER BY CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE quote_ident(a.rolname) END) "
                        + "FROM unnest(p.polroles) AS r(oid) LEFT JOIN pg_roles a ON a.oid = r.oid), "
                        + "pg_get_expr(p.polqual, p.polrelid, true), pg_get_expr(p.polwithcheck, p.polrelid, true), "
                        + "obj_description(p.oid, 'pg_policy') AS comment "
                        + "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE" + inScope("n") + "AND" + tableInScope("n", "c") + "AND"
                        + notFromExtension("pg_class", "c.oid"),
                rs -> catalog.add(
                        Kind.POLICY,
                        rs.getString(1),
                        "as",
                        rs.getBoolean(2) ? "PERMISSIVE" : "RESTRICTIVE",
                        "for",
                        switch (rs.getString(3)) {
                            case "r" -> "SELECT";
                            case "a" -> "INSERT";
                            case "w" -> "UPDATE";
                            case "d" -> "DELETE";
                            default -> "ALL";
                        },
                        "to",
                        rs.getString(4),
                        "using",
                        rs.getString(5),
                        "with check",
                        rs.getString(6),
                        "comment",
                        rs.getString("comment")));
    }

    private static void index(Catalog catalog, ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        String definition = rs.getString(3);
        if ("p".equals(rs.getString(4))) {
            // a partitioned table's index is made ON ONLY the table, then its partitions' indexes are attached
            String head = (rs.getBoolean(6) ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + rs.getString(5) + " ON ";
            if (definition.startsWith(head + "ONLY ")) {
                definition = head + definition.substring(head.length() + "ONLY ".length());
            }
        }
        catalog.add(
                Kind.INDEX,
                name,
                "table",
                rs.getString(2),
                "definition",
                definition,
                "valid",
                rs.getBoolean(7) ? null : "no",
                "comment",
                rs.getString("comment"));
        if (rs.getString("parent") != null && rs.getString("comment") == null) {
            catalog.fold(Kind.INDEX, name, rs.getString("parent"), rs.getString(2));
        }
    }

    private static String constraintType(String contype) {
        return switch (contype) {
            case "p" -> "primary key";
            case "f" -> "foreign key";
            case "u" -> "unique";
            case "c" -> "check";
            default -> "exclusion";
        };
    }

    /** When a trigger or rule fires, in the words of {@code ALTER TABLE ... ENABLE | DISABLE TRIGGER | RULE}. */
    static String triggerState(String tgenabled) {
        return switch (tgenabled) {
            case "D" -> "disabled";
            case "R" -> "enabled replica";
            case "A" -> "enabled always";
            default -> "enabled"; // 'O', the default: fires in origin and local mode
        };
    }
}
