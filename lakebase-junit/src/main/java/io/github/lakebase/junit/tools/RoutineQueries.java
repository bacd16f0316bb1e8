package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.SQLException;

/** Reads functions, procedures and aggregates. */
final class RoutineQueries {

    private RoutineQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "p.proname")
                        + " || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
                        + "p.prokind, pg_get_function_result(p.oid), l.lanname, "
                        + "CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END "
                        + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
                        + "WHERE" + inScope("n") + "AND" + notFromExtension("pg_proc", "p.oid"),
                rs -> catalog.add(
                        Kind.FUNCTION,
                        rs.getString(1),
                        "kind",
                        functionKind(rs.getString(2)),
                        "returns",
                        rs.getString(3),
                        "language",
                        rs.getString(4),
                        "definition",
                        rs.getString(5)));
    }

    private static String functionKind(String prokind) {
        return switch (prokind) {
            case "p" -> "procedure";
            case "a" -> "aggregate";
            case "w" -> "window function";
            default -> "function";
        };
    }
}
