package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;
import static io.github.lakebase.junit.tools.Catalog.tableInScope;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.SQLException;

/** Reads what belongs to a table besides its columns: constraints, indexes and triggers. */
final class TableObjectQueries {

    private TableObjectQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "k.conname")
                        + ", k.contype, pg_get_constraintdef(k.oid, true) "
                        + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND" + inScope("n") + "AND"
                        + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> catalog.add(
                        Kind.CONSTRAINT,
                        rs.getString(1),
                        "type",
                        constraintType(rs.getString(2)),
                        "definition",
                        rs.getString(3)));
        catalog.query(
                "SELECT " + qualified("n.nspname", "x.relname") + ", " + qualified("n.nspname", "c.relname")
                        + ", pg_get_indexdef(i.indexrelid) "
                        + "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = x.relnamespace WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k "
                        + "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) AND"
                        + inScope("n") + "AND" + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> catalog.add(
                        Kind.INDEX, rs.getString(1), "table", rs.getString(2), "definition", rs.getString(3)));
        catalog.query(
                "SELECT " + qualified("n.nspname", "c.relname", "t.tgname")
                        + ", pg_get_triggerdef(t.oid, true), t.tgenabled "
                        + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND" + inScope("n") + "AND"
                        + tableInScope("n", "c") + "AND" + notFromExtension("pg_class", "c.oid"),
                rs -> catalog.add(
                        Kind.TRIGGER,
                        rs.getString(1),
                        "definition",
                        rs.getString(2),
                        "state",
                        triggerState(rs.getString(3))));
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

    /** When a trigger fires, in the words of {@code ALTER TABLE ... ENABLE | DISABLE TRIGGER}. */
    static String triggerState(String tgenabled) {
        return switch (tgenabled) {
            case "D" -> "disabled";
            case "R" -> "enabled replica";
            case "A" -> "enabled always";
            default -> "enabled"; // 'O', the default: fires in origin and local mode
        };
    }
}
