package io.github.lakebase.junit.tools;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import io.github.lakebase.junit.tools.SchemaChange.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Renders a {@link SchemaDiff} as Markdown for a pull request, or as plain text for a log. */
final class DiffRendering {

    private DiffRendering() {}

    static String markdown(SchemaDiff diff) {
        StringBuilder out = new StringBuilder("### Schema diff: ")
                .append(code(diff.beforeLabel()))
                .append(" → ")
                .append(code(diff.afterLabel()))
                .append("\n\n");
        if (diff.isEmpty()) {
            return out.append("No schema changes.\n").toString();
        }
        out.append(counts(diff)).append(".\n\n| change | kind | name | details |\n| --- | --- | --- | --- |\n");
        List<SchemaChange> longOnes = new ArrayList<>();
        for (SchemaChange change : diff.changes()) {
            String details = change.type() == Type.CHANGED
                    ? changedProperties(change, true)
                    : ObjectSummary.of(change.object(), true);
            out.append("| ")
                    .append(change.type().name().toLowerCase())
                    .append(" | ")
                    .append(change.kind().label())
                    .append(" | ")
                    .append(code(change.name()))
                    .append(" | ")
                    .append(details)
                    .append(" |\n");
            if (change.properties().stream().anyMatch(p -> isLong(p.before()) || isLong(p.after()))) {
                longOnes.add(change);
            }
        }
        if (!longOnes.isEmpty()) {
            out.append("\n<details>\n<summary>Definitions (")
                    .append(longOnes.size())
                    .append(")</summary>\n");
            for (SchemaChange change : longOnes) {
                for (Property p : change.properties()) {
                    if (isLong(p.before()) || isLong(p.after())) {
                        out.append("\n**")
                                .append(change.type().name().toLowerCase())
                                .append(' ')
                                .append(change.kind().label())
                                .append(' ')
                                .append(code(change.name()))
                                .append("**, ")
                                .append(p.name())
                                .append(":\n\n");
                        fenced(
                                out,
                                change.type() == Type.CHANGED ? "diff" : "sql",
                                change.type() == Type.CHANGED
                                        ? unifiedDiff(p.before(), p.after())
                                        : p.after() != null ? p.after() : p.before());
                    }
                }
            }
            out.append("\n</details>\n");
        }
        return out.toString();
    }

    static String text(SchemaDiff diff) {
        StringBuilder out = new StringBuilder("Schema diff from ")
                .append(diff.beforeLabel())
                .append(" to ")
                .append(diff.afterLabel())
                .append(": ");
        if (diff.isEmpty()) {
            return out.append("no changes").toString();
        }
        out.append(counts(diff));
        int kindWidth = diff.changes().stream()
                .mapToInt(c -> c.kind().label().length())
                .max()
                .orElse(0);
        int nameWidth =
                diff.changes().stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (SchemaChange change : diff.changes()) {
            String sign = switch (change.type()) {
                case ADDED -> "+";
                case REMOVED -> "-";
                case CHANGED -> "~";
            };
            String details = change.type() == Type.CHANGED
                    ? changedProperties(change, false)
                    : ObjectSummary.of(change.object(), false);
            out.append("\n  ")
                    .append(sign)
                    .append(' ')
                    .append(pad(change.kind().label(), kindWidth))
                    .append("  ")
                    .append(details.isEmpty() ? change.name() : pad(change.name(), nameWidth) + "  " + details);
            if (change.type() == Type.CHANGED) {
                for (Property p : change.properties()) {
                    if (isLong(p.before()) || isLong(p.after())) {
                        for (String line : unifiedDiff(p.before(), p.after()).split("\n")) {
                            out.append("\n      ").append(line);
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    private static String counts(SchemaDiff diff) {
        return diff.added().size() + " added, " + diff.removed().size() + " removed, "
                + diff.changed().size() + " changed";
    }

    /** Which properties of a changed object changed; short values with their old and new value. */
    private static String changedProperties(SchemaChange change, boolean markdown) {
        return change.properties().stream()
                .map(p -> {
                    if (isLong(p.before()) || isLong(p.after())) {
                        return p.name() + (markdown ? " (below)" : "");
                    }
                    String before = p.before() == null ? "none" : markdown ? code(p.before()) : p.before();
                    String after = p.after() == null ? "none" : markdown ? code(p.after()) : p.after();
                    return p.name() + ": " + before + " → " + after;
                })
                .collect(Collectors.joining("; "));
    }

    private static boolean isLong(String value) {
        return value != null && value.strip().contains("\n");
    }

    /** The unified diff of two texts, hunks only, with three lines of context. */
    static String unifiedDiff(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("before", "after", a, DiffUtils.diff(a, b), 3);
        return String.join("\n", diff.subList(Math.min(2, diff.size()), diff.size()));
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : List.of(text.strip().split("\n", -1));
    }

    private static void fenced(StringBuilder out, String language, String body) {
        String fence = body.contains("```") ? "~~~~" : "```";
        out.append(fence)
                .append(language)
                .append('\n')
                .append(body.strip())
                .append('\n')
                .append(fence)
                .append('\n');
    }

    /** A Markdown code span that is safe in a table cell. */
    static String code(String value) {
        String oneLine = value.replaceAll("\\s*\n\\s*", " ").replace("|", "\\|");
        String ticks = oneLine.contains("`") ? "``" : "`";
        String pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
        return ticks + pad + oneLine + pad + ticks;
    }

    private static String pad(String value, int width) {
        return value + " ".repeat(Math.max(0, width - value.length()));
    }
}
