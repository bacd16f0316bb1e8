package io.github.lakebase.junit.tools;

import io.github.lakebase.junit.tools.SchemaObject.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the schema objects of a PostgreSQL database from its catalogs, restricted to a {@link Scope}: user
 * schemas only, objects of extensions left out (the extension itself is listed). The queries of each family of
 * objects live in a class of their own ({@link TypeQueries}, {@link RelationQueries}, {@link ColumnQueries},
 * {@link TableObjectQueries}, {@link RoutineQueries}, {@link PrivilegeQueries}); this class runs them, collects
 * what they find, and folds what partitions and child tables have from their parents.
 */
final class Catalog {

    /**
     * Which objects are read.
     *
     * @param schemas the only schemas to read; empty for every user schema
     * @param excludedSchemas schemas never read
     * @param excludedTables tables never read, with what belongs to them: a bare name matches in every schema, a
     *     qualified one in its schema
     */
    record Scope(Set<String> schemas, Set<String> excludedSchemas, Set<String> excludedTables) {}

    /**
     * What was read from one database.
     *
     * @param objects every object in scope, in no particular order
     * @param folded by {@linkplain #key key}, the objects that a partition (or child table) has from its parent as
     *     they are there: an index, constraint or trigger cloned from the parent's, a column like the parent's.
     *     Their changes are part of their parent's change, not changes of their own.
     */
    record Contents(List<SchemaObject> objects, Map<String, Fold> folded) {}

    /**
     * Where a folded object comes from.
     *
     * @param parent the key of the object it is folded into: the parent table's index, constraint, trigger, column
     * @param table the key of the table it belongs to
     */
    record Fold(String parent, String table) {}

    /** Reads one row of a query's result. */
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * The scope as a common table expression named {@code scope}, put in front of every query, so that a query
     * refers to the scope as often as it needs with the same three parameters.
     */
    private static final String SCOPE = "WITH scope AS (SELECT ?::text[] AS schemas, ?::text[] AS excluded_schemas,"
            + " ?::text[] AS excluded_tables) ";

    /**
     * Properties of a column that a partition or child table does not take from its parent: the sequence of an
     * identity is the parent's alone.
     */
    private static final Set<String> NOT_INHERITED = Set.of("comment", "statistics", "options", "identity options");

    private final Connection connection;
    private final Scope scope;
    private final List<SchemaObject> objects = new ArrayList<>();
    private final Map<String, Fold> folded = new HashMap<>();
    private final Map<String, Fold> inherited = new HashMap<>();

    private Catalog(Connection connection, Scope scope) {
        this.connection = connection;
        this.scope = scope;
    }

    /** Every object in scope, and those folded into their parent's. */
    static Contents read(Connection connection, Scope scope) throws SQLException {
        Catalog catalog = new Catalog(connection, scope);
        TypeQueries.read(catalog);
        RelationQueries.read(catalog);
        ColumnQueries.read(catalog);
        TableObjectQueries.read(catalog);
        RoutineQueries.read(catalog);
        PrivilegeQueries.read(catalog);
        return catalog.contents();
    }

    /** How objects are told apart: by kind and name. */
    static String key(Kind kind, String name) {
        return kind.ordinal() + ":" + name;
    }

    /**
     * Whether the schema of the namespace {@code n} is in scope: a user schema, asked for (or no schema was named)
     * and not excluded.
     */
    static String inScope(String n) {
        return " (" + n + ".nspname !~ '^pg_(catalog|toast|temp_[0-9]+|toast_temp_[0-9]+)$' AND " + n
                + ".nspname <> 'information_schema' AND (cardinality((SELECT schemas FROM scope)) = 0 OR " + n
                + ".nspname = ANY ((SELECT schemas FROM scope)::text[])) AND NOT " + n
                + ".nspname = ANY ((SELECT excluded_schemas FROM scope)::text[])) ";
    }

    /** Whether the relation {@code c} in the namespace {@code n} is not one of the excluded tables. */
    static String tableInScope(String n, String c) {
        return " NOT (" + c + ".relname = ANY ((SELECT excluded_tables FROM scope)::text[]) OR " + n
                + ".nspname || '.' || " + c + ".relname = ANY ((SELECT excluded_tables FROM scope)::text[])) ";
    }

    /**
     * A name as PostgreSQL writes it: each part quoted when it must be ({@code quote_ident}), joined by dots.
     *
     * @param columns the SQL expressions of the parts, for example {@code "n.nspname", "c.relname"}
     */
    static String qualified(String... columns) {
        return String.join(
                " || '.' || ",
                Arrays.stream(columns).map(c -> "quote_ident(" + c + ")").toList());
    }

    /** Whether the object {@code oid} of the system catalog {@code catalog} does not belong to an extension. */
    static String notFromExtension(String catalog, String oid) {
        return " NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass"
                + " AND e.objid = " + oid + " AND e.deptype = 'e') ";
    }

    /**
     * Runs a query that may refer to the common table expression {@code scope} (columns {@code schemas},
     * {@code excluded_schemas}, {@code excluded_tables}); a query with common table expressions of its own starts
     * with {@code WITH} as usual.
     */
    void query(String sql, RowReader reader) throws SQLException {
        String statement = sql.startsWith("WITH ") ? SCOPE + ", " + sql.substring("WITH ".length()) : SCOPE + sql;
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            ps.setArray(1, connection.createArrayOf("text", scope.schemas().toArray()));
            ps.setArray(
                    2, connection.createArrayOf("text", scope.excludedSchemas().toArray()));
            ps.setArray(
                    3, connection.createArrayOf("text", scope.excludedTables().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    /** Adds an object; {@code properties} alternate names and values, and {@code null} values are left out. */
    void add(Kind kind, String name, String... properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            if (properties[i + 1] != null) {
                map.put(properties[i], properties[i + 1]);
            }
        }
        objects.add(new SchemaObject(kind, name, map));
    }

    /**
     * Folds an object into its parent's: one cloned from the parent's, such as the index of a partition.
     *
     * @param parent the name of the parent's object of the same kind
     * @param table the name of the table of the object
     */
    void fold(Kind kind, String name, String parent, String table) {
        folded.put(key(kind, name), new Fold(key(kind, parent), key(Kind.TABLE, table)));
    }

    /**
     * Folds an object into its parent's if it is like it: the same properties, except those a child never has from
     * its parent (a comment, a statistics target), which it must not have of its own either.
     */
    void foldIfLike(Kind kind, String name, String parent, String table) {
        inherited.put(key(kind, name), new Fold(key(kind, parent), key(Kind.TABLE, table)));
    }

    private Contents contents() {
        Map<String, SchemaObject> byKey = new HashMap<>();
        objects.forEach(o -> byKey.put(key(o.kind(), o.name()), o));
        inherited.forEach((child, fold) -> {
            SchemaObject c = byKey.get(child);
            SchemaObject p = byKey.get(fold.parent());
            if (c != null && p != null && like(c.properties(), p.properties())) {
                folded.put(child, fold);
            }
        });
        return new Contents(List.copyOf(objects), Map.copyOf(folded));
    }

    private static boolean like(Map<String, String> child, Map<String, String> parent) {
        Set<String> names = new HashSet<>(child.keySet());
        names.addAll(parent.keySet());
        return names.stream()
                .allMatch(n -> Objects.equals(child.get(n), parent.get(n))
                        || (NOT_INHERITED.contains(n) && child.get(n) == null));
    }
}
