package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.Catalog.inScope;
import static io.github.lakebase.junit.tools.Catalog.notFromExtension;
import static io.github.lakebase.junit.tools.Catalog.qualified;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.SQLException;

/**
 * Reads functions, procedures and aggregates. A function's definition is {@code pg_get_functiondef}; an
 * aggregate's is its {@code CREATE AGGREGATE} statement as {@code pg_dump} would write it, one option a line.
 */
final class RoutineQueries {

    /** The options of an aggregate other than their defaults, in the order of {@code CREATE AGGREGATE}. */
    private static final String AGGREGATE_DEFINITION = "'CREATE AGGREGATE ' || " + qualified("n.nspname", "p.proname")
            + " || '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_get_function_arguments(p.oid) END || E') (\\n    ' "
            + "|| concat_ws(E',\\n    ', 'SFUNC = ' || a.aggtransfn::regproc, "
            + "'STYPE = ' || format_type(a.aggtranstype, NULL), 'SSPACE = ' || nullif(a.aggtransspace, 0), "
            + "'FINALFUNC = ' || nullif(a.aggfinalfn::oid, 0)::regproc, "
            + "CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END, "
            + "CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN 'FINALFUNC_MODIFY = ' "
            + "|| CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
            + "'COMBINEFUNC = ' || nullif(a.aggcombinefn::oid, 0)::regproc, "
            + "'SERIALFUNC = ' || nullif(a.aggserialfn::oid, 0)::regproc, "
            + "'DESERIALFUNC = ' || nullif(a.aggdeserialfn::oid, 0)::regproc, "
            + "'INITCOND = ' || quote_literal(a.agginitval), "
            + "'MSFUNC = ' || nullif(a.aggmtransfn::oid, 0)::regproc, "
            + "'MINVFUNC = ' || nullif(a.aggminvtransfn::oid, 0)::regproc, "
            + "'MSTYPE = ' || format_type(nullif(a.aggmtranstype, 0), NULL), "
            + "'MSSPACE = ' || nullif(a.aggmtransspace, 0), "
            + "'MFINALFUNC = ' || nullif(a.aggmfinalfn::oid, 0)::regproc, "
            + "CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END, "
            + "CASE WHEN a.aggmfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN 'MFINALFUNC_MODIFY = ' "
            + "|| CASE a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
            + "'MINITCOND = ' || quote_literal(a.aggminitval), "
            + "'SORTOP = ' || nullif(a.aggsortop, 0)::regoper, "
            + "CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END, "
            + "CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END) || E'\\n);'";

    private RoutineQueries() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query(
                "SELECT " + qualified("n.nspname", "p.proname")
                        + " || '(' || pg_get_function_identity_arguments(p.oid) "
                        + "|| ')', p.prokind, pg_get_function_result(p.oid), l.lanname, "
                        + "CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) ELSE " + AGGREGATE_DEFINITION
                        + " END, obj_description(p.oid, 'pg_proc') AS comment FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                        + "JOIN pg_language l ON l.oid = p.prolang LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid "
                        + "WHERE" + inScope("n") + "AND" + notFromExtension("pg_proc", "p.oid"),
                rs -> {
                    String kind = functionKind(rs.getString(2));
                    catalog.add(
                            Kind.FUNCTION,
                            rs.getString(1),
                            "kind",
                            kind,
                            "returns",
                            rs.getString(3),
                            "language",
                            kind.equals("aggregate") ? null : rs.getString(4),
                            "definition",
                            rs.getString(5),
                            "comment",
                            rs.getString("comment"));
                });
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
