package io.github.lakebase.junit.tools;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the schema objects of a PostgreSQL database from its catalogs, restricted to a {@link Scope}: user
 * schemas only, objects of extensions left out (the extension itself is listed).
 */
final class Catalog {

    /**
     * Which objects are read.
     *
     * @param schemas the only schemas to read; empty for every user schema
     * @param excludedSchemas schemas never read
     * @param excludedTables tables never read, with their columns, constraints, indexes and triggers: a bare
     *     name matches in every schema, a qualified one in its schema
     */
    record Scope(Set<String> schemas, Set<String> excludedSchemas, Set<String> excludedTables) {}

    /** The relations of an object: the namespace as {@code n}, the table as {@code c}. */
    private static final String IN_SCOPE = " n.nspname !~ '^pg_(catalog|toast|temp_[0-9]+|toast_temp_[0-9]+)$'"
            + " AND n.nspname <> 'information_schema' AND (cardinality(?::text[]) = 0 OR n.nspname = ANY (?::text[]))"
            + " AND NOT n.nspname = ANY (?::text[]) ";

    private static final String TABLE_IN_SCOPE =
            " AND NOT (c.relname = ANY (?::text[])" + " OR n.nspname || '.' || c.relname = ANY (?::text[])) ";

    private static String notFromExtension(String catalog, String oid) {
        return " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass"
                + " AND e.objid = " + oid + " AND e.deptype = 'e') ";
    }

    private final Connection connection;
    private final Scope scope;
    private final List<SchemaObject> objects = new ArrayList<>();

    private Catalog(Connection connection, Scope scope) {
        this.connection = connection;
        this.scope = scope;
    }

    /** Every object in scope, in no particular order. */
    static List<SchemaObject> read(Connection connection, Scope scope) throws SQLException {
        Catalog catalog = new Catalog(connection, scope);
        catalog.readAll();
        return catalog.objects;
    }

    private void readAll() throws SQLException {
        read(
                "SELECT n.nspname FROM pg_namespace n WHERE" + IN_SCOPE + notFromExtension("pg_namespace", "n.oid"),
                false,
                rs -> add(Kind.SCHEMA, rs.getString(1)));
        read(
                "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
                        + "e.extnamespace WHERE" + IN_SCOPE,
                false,
                rs -> add(Kind.EXTENSION, rs.getString(1), "version", rs.getString(2), "schema", rs.getString(3)));
        readTypes();
        readRelations();
        read(
                "SELECT n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod), "
                        + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated "
                        + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                        + "WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND" + IN_SCOPE
                        + TABLE_IN_SCOPE + notFromExtension("pg_class", "c.oid"),
                true,
                rs -> {
                    String expression = rs.getString(4);
                    String generated = rs.getString(6);
                    String identity = rs.getString(5);
                    boolean isGenerated = generated != null && !generated.isEmpty();
                    add(
                            Kind.COLUMN,
                            rs.getString(1),
                            "type",
                            rs.getString(2),
                            "nullable",
                            rs.getBoolean(3) ? "no" : "yes",
                            "default",
                            isGenerated ? null : expression,
                            "generated",
                            isGenerated ? expression + ("v".equals(generated) ? " (virtual)" : " (stored)") : null,
                            "identity",
                            "a".equals(identity) ? "always" : "d".equals(identity) ? "by default" : null);
                });
        read(
                "SELECT n.nspname || '.' || c.relname || '.' || k.conname, k.contype, pg_get_constraintdef(k.oid, true) "
                        + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND" + IN_SCOPE + TABLE_IN_SCOPE
                        + notFromExtension("pg_class", "c.oid"),
                true,
                rs -> add(
                        Kind.CONSTRAINT,
                        rs.getString(1),
                        "type",
                        constraintType(rs.getString(2)),
                        "definition",
                        rs.getString(3)));
        read(
                "SELECT n.nspname || '.' || x.relname, n.nspname || '.' || c.relname, pg_get_indexdef(i.indexrelid) "
                        + "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
                        + "JOIN pg_namespace n ON n.oid = x.relnamespace WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k "
                        + "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) AND"
                        + IN_SCOPE + TABLE_IN_SCOPE + notFromExtension("pg_class", "c.oid"),
                true,
                rs -> add(Kind.INDEX, rs.getString(1), "table", rs.getString(2), "definition", rs.getString(3)));
        read(
                "SELECT n.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled "
                        + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND" + IN_SCOPE + TABLE_IN_SCOPE
                        + notFromExtension("pg_class", "c.oid"),
                true,
                rs -> add(
                        Kind.TRIGGER,
                        rs.getString(1),
                        "definition",
                        rs.getString(2),
                        "enabled",
                        triggerEnabled(rs.getString(3))));
        read(
                "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
                        + "p.prokind, pg_get_function_result(p.oid), l.lanname, "
                        + "CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END "
                        + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
                        + "WHERE" + IN_SCOPE + notFromExtension("pg_proc", "p.oid"),
                false,
                rs -> add(
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

    private void readRelations() throws SQLException {
        read(
                "SELECT n.nspname || '.' || c.relname, c.relkind, c.relpersistence, "
                        + "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, "
                        + "format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, "
                        + "(SELECT o.relname || '.' || a.attname FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid "
                        + "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                        + "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass "
                        + "AND d.deptype = 'a' LIMIT 1) "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_sequence s ON s.seqrelid = c.oid "
                        + "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND" + IN_SCOPE
                        + TABLE_IN_SCOPE + notFromExtension("pg_class", "c.oid")
                        // the sequence behind an identity column is part of the column
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
                        + "AND d.deptype = 'i' AND c.relkind = 'S')",
                true,
                rs -> {
                    String name = rs.getString(1);
                    switch (rs.getString(2)) {
                        case "v" -> add(Kind.VIEW, name, "definition", rs.getString(4));
                        case "m" -> add(Kind.MATERIALIZED_VIEW, name, "definition", rs.getString(4));
                        case "S" ->
                            add(
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
                                    rs.getString(12));
                        default -> add(Kind.TABLE, name, "type", tableType(rs.getString(2), rs.getString(3)));
                    }
                });
    }

    private void readTypes() throws SQLException {
        read(
                "SELECT n.nspname || '.' || t.typname, t.typtype, CASE t.typtype "
                        + "WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
                        + "FROM pg_enum e WHERE e.enumtypid = t.oid) "
                        + "WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END "
                        + "|| coalesce(' DEFAULT ' || t.typdefault, '') || coalesce((SELECT ' ' || string_agg(pg_get_constraintdef(k.oid, "
                        + "true), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '') "
                        + "WHEN 'c' THEN (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' "
                        + "ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) "
                        + "WHEN 'r' THEN (SELECT 'range of ' || format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) "
                        + "END FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                        + "WHERE t.typtype IN ('e', 'd', 'c', 'r') "
                        + "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND"
                        + IN_SCOPE + notFromExtension("pg_type", "t.oid"),
                false,
                rs -> add(
                        Kind.TYPE, rs.getString(1), "type", typeType(rs.getString(2)), "definition", rs.getString(3)));
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void read(String sql, boolean tableScoped, RowReader reader) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Array schemas = connection.createArrayOf("text", scope.schemas().toArray());
            ps.setArray(1, schemas);
            ps.setArray(2, schemas);
            ps.setArray(
                    3, connection.createArrayOf("text", scope.excludedSchemas().toArray()));
            if (tableScoped) {
                Array tables =
                        connection.createArrayOf("text", scope.excludedTables().toArray());
                ps.setArray(4, tables);
                ps.setArray(5, tables);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    /** Adds an object; {@code properties} alternate names and values, and {@code null} values are left out. */
    private void add(Kind kind, String name, String... properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            if (properties[i + 1] != null) {
                map.put(properties[i], properties[i + 1]);
            }
        }
        objects.add(new SchemaObject(kind, name, map));
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

    private static String triggerEnabled(String tgenabled) {
        return switch (tgenabled) {
            case "D" -> "disabled";
            case "R" -> "replica only";
            case "A" -> "always";
            default -> null; // 'O', the default: fires in origin and local mode
        };
    }

    private static String functionKind(String prokind) {
        return switch (prokind) {
            case "p" -> "procedure";
            case "a" -> "aggregate";
            case "w" -> "window function";
            default -> "function";
        };
    }

    private static String tableType(String relkind, String persistence) {
        String type = switch (relkind) {
            case "p" -> "partitioned table";
            case "f" -> "foreign table";
            default -> "table";
        };
        return "u".equals(persistence) ? "unlogged " + type : type;
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
