package io.github.lakebase.junit.tools;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What an added or removed object is, on one line: SQL-like, for the details of a diff. */
final class ObjectSummary {

    private ObjectSummary() {}

    /** What an added or removed object is, on one line. */
    static String of(SchemaObject object, boolean markdown) {
        Map<String, String> p = object.properties();
        String summary = switch (object.kind()) {
            case COLUMN -> column(p);
            case CONSTRAINT -> get(p, "definition") + with(p);
            case INDEX, TRIGGER -> get(p, "definition");
            case TABLE ->
                ("table".equals(p.get("type")) ? "" : get(p, "type"))
                        + (p.containsKey("partition of") ? " PARTITION OF " + p.get("partition of") : "")
                        + (p.containsKey("partitioned by") ? " PARTITION BY " + p.get("partitioned by") : "")
                        + part(p, "inherits", " INHERITS (")
                        + (p.containsKey("inherits") ? ")" : "")
                        + with(p);
            case SEQUENCE -> get(p, "type") + (p.containsKey("owned by") ? " owned by " + p.get("owned by") : "");
            case FUNCTION ->
                get(p, "kind")
                        + (p.containsKey("returns") ? " returning " + p.get("returns") : "")
                        + (p.containsKey("language") ? ", " + p.get("language") : "")
                        + ("aggregate".equals(p.get("kind")) ? ": " + aggregateOptions(get(p, "definition")) : "");
            case TYPE -> get(p, "type") + (p.containsKey("definition") ? ": " + p.get("definition") : "");
            case EXTENSION -> p.containsKey("version") ? "version " + p.get("version") : "";
            case POLICY ->
                "AS " + get(p, "as") + " FOR " + get(p, "for") + " TO " + get(p, "to")
                        + (p.containsKey("using") ? " USING (" + p.get("using") + ")" : "")
                        + (p.containsKey("with check") ? " WITH CHECK (" + p.get("with check") + ")" : "");
            case VIEW, MATERIALIZED_VIEW -> with(p);
            case PRIVILEGE, DEFAULT_PRIVILEGE ->
                Stream.of(p.get("granted"), p.get("revoked"))
                        .filter(Objects::nonNull)
                        .collect(Collectors.joining("; "));
            case RULE, STATISTICS -> get(p, "definition");
            case SCHEMA -> "";
        };
        summary = summary.strip().replaceAll("\\s*\n\\s*", " "); // one line, as Markdown's code span has it
        // words may hold a comment: on one line, and in Markdown without a bar that would end the table's cell
        String words = words(object).replaceAll("\\s*\n\\s*", " ");
        words = markdown ? words.replace("|", "\\|") : words;
        String sql = markdown && !summary.isEmpty() ? DiffRendering.code(summary) : summary;
        return sql.isEmpty() || words.isEmpty() ? sql + words : sql + ", " + words;
    }

    /** What the SQL of an object leaves out, in words, and its comment. */
    private static String words(SchemaObject object) {
        Map<String, String> p = object.properties();
        String comment =
                p.containsKey("comment") ? "comment '" + p.get("comment").replace("'", "''") + "'" : "";
        String words = switch (object.kind()) {
            case COLUMN ->
                Stream.of(part(p, "statistics", "statistics "), part(p, "options", "options "))
                        .filter(w -> !w.isEmpty())
                        .collect(Collectors.joining(", "));
            case TRIGGER, RULE -> "enabled".equals(p.get("state")) ? "" : get(p, "state");
            case STATISTICS -> part(p, "statistics", "statistics ");
            case TABLE ->
                Stream.of(
                                p.getOrDefault("row security", "disabled").equals("disabled")
                                        ? ""
                                        : "row security " + p.get("row security"),
                                part(p, "replica identity", "replica identity "))
                        .filter(w -> !w.isEmpty())
                        .collect(Collectors.joining(", "));
            default -> "";
        };
        return words.isEmpty() || comment.isEmpty() ? words + comment : words + ", " + comment;
    }

    /** The options of a {@code CREATE AGGREGATE} statement, one a line between its first and last line, on one line. */
    private static String aggregateOptions(String definition) {
        List<String> lines = definition.lines().toList();
        return lines.subList(1, Math.max(1, lines.size() - 1)).stream()
                .map(line -> line.strip().replaceFirst(",$", ""))
                .collect(Collectors.joining(", "));
    }

    /** A column as {@code CREATE TABLE} writes it, without its name. */
    private static String column(Map<String, String> p) {
        return get(p, "type")
                + part(p, "storage", " STORAGE ")
                + part(p, "compression", " COMPRESSION ")
                + part(p, "collation", " COLLATE ")
                + ("no".equals(p.get("nullable")) ? " NOT NULL" : "")
                + part(p, "default", " DEFAULT ")
                + (p.containsKey("identity")
                        ? " GENERATED " + p.get("identity").toUpperCase() + " AS IDENTITY"
                                + part(p, "identity options", " (")
                                + (p.containsKey("identity options") ? ")" : "")
                        : "")
                + part(p, "generated", " GENERATED ALWAYS AS ");
    }

    /** A property's value after a prefix, or nothing when it is not set. */
    private static String part(Map<String, String> p, String name, String prefix) {
        return p.containsKey(name) ? prefix + p.get(name) : "";
    }

    private static String with(Map<String, String> p) {
        return p.containsKey("options") ? " WITH (" + p.get("options") + ")" : "";
    }

    private static String get(Map<String, String> properties, String name) {
        return properties.getOrDefault(name, "");
    }
}
