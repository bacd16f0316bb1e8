package io.github.lakebase.junit.tools;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text column of a table with a primary key, as the catalog describes it, checked to be one that
 * {@link Corruption} can damage and report on.
 */
record CorruptibleColumn(
        String schema, String table, String column, boolean nullable, int maxLength, List<String> primaryKey) {

    /** The schema-qualified name of the column, for messages and the report. */
    String qualifiedName() {
        return schema + "." + table + "." + column;
    }

    /** The quoted, schema-qualified table name, for SQL. */
    String tableSql() {
        return quote(schema) + "." + quote(table);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Looks the column up and checks it.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown table or column, a table that is not a
     *     table, a column that is not text, is generated or is part of the primary key, a table without one
     */
    static CorruptibleColumn resolve(Connection c, String tableName, String columnName) throws SQLException {
        long oid;
        String schema;
        String table;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, c.relkind "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("No table '" + tableName + "' on " + database(c)
                            + " (search_path " + searchPath(c) + "). Name an existing table, schema-qualified if it "
                            + "is not on the search path, for example \"public.inventory\".");
                }
                oid = rs.getLong(1);
                schema = rs.getString(2);
                table = rs.getString(3);
                String kind = rs.getString(4);
                if (!kind.equals("r") && !kind.equals("p")) {
                    throw new IllegalArgumentException("'" + tableName + "' is " + relkind(kind)
                            + ", not a table: Corruption damages rows of a table.");
                }
            }
        } catch (SQLException e) {
            if ("42602".equals(e.getSQLState()) || "3F000".equals(e.getSQLState()) || "42601".equals(e.getSQLState())) {
                throw new IllegalArgumentException(
                        "'" + tableName + "' is not a valid table name: " + e.getMessage(), e);
            }
            throw e;
        }
        String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attgenerated <> '', "
                + "b.typcategory = 'S' AND b.typname NOT IN ('bpchar', 'name', 'char'), "
                + "CASE WHEN b.typname = 'varchar' AND coalesce(nullif(t.typtypmod, -1), a.atttypmod) > 4 "
                + "THEN coalesce(nullif(t.typtypmod, -1), a.atttypmod) - 4 END "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + "JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
                + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        List<Attribute> attributes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int max = rs.getInt(6);
                    boolean unlimited = rs.wasNull();
                    attributes.add(new Attribute(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getBoolean(3),
                            rs.getBoolean(4),
                            rs.getBoolean(5),
                            unlimited ? Integer.MAX_VALUE : max));
                }
            }
        }
        String qualifiedTable = schema + "." + table;
        String qualified = qualifiedTable + "." + columnName;
        Attribute found = attributes.stream()
                .filter(a -> a.name().equals(columnName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("The table " + qualifiedTable + " has no column '"
                        + columnName + "'. Its columns: "
                        + String.join(
                                ", ", attributes.stream().map(Attribute::name).toList()) + "."));
        if (!found.text()) {
            throw new IllegalArgumentException("The column " + qualified + " is " + found.type() + ", not text: "
                    + "Corruption damages text, varchar and citext columns (and domains over them).");
        }
        if (found.generated()) {
            throw new IllegalArgumentException("The column " + qualified + " is generated; its values cannot be "
                    + "written. Damage the columns it is computed from instead.");
        }
        List<String> primaryKey = primaryKey(c, oid);
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("The table " + qualifiedTable + " has no primary key: "
                    + "Corruption reports the rows it damaged by their primary key. Add one to the table first.");
        }
        if (primaryKey.contains(columnName)) {
            throw new IllegalArgumentException("The column " + qualified + " is part of the primary key " + primaryKey
                    + ", which identifies the damaged rows; damage another column.");
        }
        return new CorruptibleColumn(schema, table, columnName, found.nullable(), found.maxLength(), primaryKey);
    }

    private record Attribute(
            String name, String type, boolean nullable, boolean generated, boolean text, int maxLength) {}

    private static List<String> primaryKey(Connection c, long oid) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i "
                + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.position")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return key;
    }

    private static String relkind(String kind) {
        return switch (kind) {
            case "v" -> "a view";
            case "m" -> "a materialized view";
            case "f" -> "a foreign table";
            case "S" -> "a sequence";
            case "i", "I" -> "an index";
            default -> "a relation of kind '" + kind + "'";
        };
    }

    private static String database(Connection c) throws SQLException {
        return Objects.toString(single(c, "SELECT current_database()"));
    }

    private static String searchPath(Connection c) throws SQLException {
        return Objects.toString(single(c, "SELECT current_setting('search_path')"));
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
