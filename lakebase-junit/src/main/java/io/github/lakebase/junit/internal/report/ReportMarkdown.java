package io.github.lakebase.junit.internal.report;

import io.github.lakebase.junit.internal.util.LibraryVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report as Markdown ({@code report.md}), for a reader and for a pull-request comment: what each base
 * applied beyond its parent and how long each migration took on the parent's data, its schema diff from the parent,
 * and the branches failed tests kept. It starts with {@value #MARKER}, by which a CI job finds its earlier comment to
 * update it, and stays under GitHub's limit for a comment: past {@value #LIMIT} characters the schema diffs that do
 * not fit are left to {@code report.json}, and past that the last bases.
 *
 * <pre>{@code
 * String markdown = ReportMarkdown.render(ReportFiles.read(Path.of("target/lakebase/report.json")));
 * }</pre>
 */
final class ReportMarkdown {

    /**
     * The Maven plugin's prefix in a command that works in any Maven project: {@code lakebase:} works only where
     * the project declares the plugin. The version is this library's, when its jar says it.
     */
    private static final String PLUGIN = "io.github.lakebase:lakebase-maven-plugin"
            + LibraryVersion.current().map(v -> ":" + v).orElse("");

    /** What the report's first line is, and what a CI job looks for in a pull request's comments. */
    static final String MARKER = "<!-- lakebase-junit run report -->";
    /** GitHub refuses a comment over 65,536 characters; this leaves room for a job's own lines. */
    static final int LIMIT = 60_000;

    private ReportMarkdown() {}

    static String render(ReportDocument report) {
        List<ReportDocument.Base> bases = distinct(report.bases());
        StringBuilder out = new StringBuilder(MARKER).append("\n## Migration report\n\n");
        out.append(bases.size())
                .append(bases.size() == 1 ? " base, " : " bases, ")
                .append(report.keptBranches().size())
                .append(report.keptBranches().size() == 1 ? " kept branch" : " kept branches")
                .append("; test JVMs (runs): ")
                .append(String.join(
                        ", ", report.runs().stream().map(ReportMarkdown::code).toList()))
                .append(".\n");
        if (bases.isEmpty() && report.keptBranches().isEmpty()) {
            out.append("\nNo test forked from a migrated base, and no branch was kept.\n");
        }
        List<String> sections = new ArrayList<>();
        for (ReportDocument.Base base : bases) {
            sections.add(section(base, true));
        }
        String kept = kept(report.keptBranches());
        int length = out.length()
                + kept.length()
                + sections.stream().mapToInt(String::length).sum();
        for (int i = sections.size() - 1; i >= 0 && length > LIMIT; i--) {
            String shorter = section(bases.get(i), false);
            length -= sections.get(i).length() - shorter.length();
            sections.set(i, shorter);
        }
        int shown = sections.size();
        while (shown > 0 && length > LIMIT) {
            length -= sections.get(--shown).length();
        }
        sections.subList(0, shown).forEach(out::append);
        if (shown < sections.size()) {
            out.append("\n_")
                    .append(sections.size() - shown)
                    .append(" more bases are left out to keep this report short enough for a comment: they are in ")
                    .append("`report.json`._\n");
        }
        return out.append(kept).toString();
    }

    /**
     * One entry per parent and locations: a base that several JVMs of the build used (each built its own, or
     * reused a kept one) is shown once, built rather than reused where one of them built it, and failing its
     * idempotency check where one of them saw it fail.
     */
    private static List<ReportDocument.Base> distinct(List<ReportDocument.Base> bases) {
        Map<List<Object>, ReportDocument.Base> first = new LinkedHashMap<>();
        for (ReportDocument.Base base : bases) {
            first.merge(
                    List.of(base.parent(), base.locations()),
                    base,
                    (a, b) -> failed(b) && !failed(a) || a.reused() && !b.reused() && !failed(a) ? b : a);
        }
        return List.copyOf(first.values());
    }

    private static boolean failed(ReportDocument.Base base) {
        return base.idempotency() != null
                && ReportDocument.Idempotency.FAILED.equals(base.idempotency().status());
    }

    private static String section(ReportDocument.Base base, boolean withDiff) {
        StringBuilder out = new StringBuilder("\n### ").append(code(base.parent()));
        if (base.locations().isEmpty()) {
            out.append(", without migrations");
        } else {
            out.append(" + ")
                    .append(String.join(
                            ", ",
                            base.locations().stream().map(ReportMarkdown::code).toList()));
        }
        out.append("\n\n");
        out.append("Base ").append(code(base.name())).append(": ");
        if (base.reused()) {
            out.append("reused, as an earlier run built and kept it; the durations are those of that build.\n");
        } else {
            out.append("built by run ")
                    .append(code(base.run()))
                    .append(" in ")
                    .append(millis(base.buildMillis()))
                    .append(".\n");
        }
        idempotency(out, base.idempotency());
        if (base.problem() != null) {
            return out.append("\n_").append(base.problem()).append("_\n").toString();
        }
        if (base.migrations().isEmpty()) {
            out.append("\nNo migration beyond ").append(code(base.parent())).append(".\n");
        } else if (base.migrations().stream().anyMatch(m -> m.changeSet() != null)) {
            out.append("\n| changeset | change | duration on ")
                    .append(code(base.parent()))
                    .append(" |\n| --- | --- | ---: |\n");
            for (ReportDocument.Migration m : base.migrations()) {
                out.append("| ")
                        .append(code(m.changeSet() == null ? m.script() : m.changeSet()))
                        .append(" | ")
                        .append(m.description() == null ? "" : m.description().replace("|", "\\|"))
                        .append(" | ")
                        .append(millis(m.durationMillis()))
                        .append(" |\n");
            }
        } else {
            out.append("\n| migration | script | duration on ")
                    .append(code(base.parent()))
                    .append(" |\n| --- | --- | ---: |\n");
            for (ReportDocument.Migration m : base.migrations()) {
                out.append("| ")
                        .append(m.version().isEmpty() ? "repeatable" : m.version())
                        .append(' ')
                        .append(m.description().replace("|", "\\|"))
                        .append(" | ")
                        .append(code(m.script()))
                        .append(" | ")
                        .append(millis(m.durationMillis()))
                        .append(" |\n");
            }
        }
        out.append('\n');
        if (withDiff) {
            out.append(base.schemaDiff().strip()).append('\n');
        } else {
            out.append("_The schema diff is left out to keep this report short enough for a comment: it is in ")
                    .append("`report.json`._\n");
        }
        return out.toString();
    }

    /** The idempotency check's line; nothing for a base of a fragment that did not report it. */
    private static void idempotency(StringBuilder out, ReportDocument.Idempotency check) {
        if (check == null) {
            return;
        }
        out.append("\nIdempotency check: ");
        switch (check.status()) {
            case ReportDocument.Idempotency.PASSED ->
                out.append("passed: every migration beyond the parent ran a second time.\n");
            case ReportDocument.Idempotency.FAILED -> {
                out.append("**failed**: ");
                if (check.migration() != null && !check.migration().isEmpty()) {
                    out.append(code(check.migration())).append(" cannot run twice:");
                }
                String error = check.error() == null ? "" : check.error().strip();
                String fence = error.contains("```") ? "~~~~" : "```";
                out.append("\n\n")
                        .append(fence)
                        .append("text\n")
                        .append(error)
                        .append('\n')
                        .append(fence)
                        .append("\n\nThe base was dropped, and the tests that needed it failed.\n");
            }
            default -> out.append("not enabled (`lakebase.migrations.check-idempotency=true` enables it).\n");
        }
    }

    private static String kept(List<ReportDocument.Kept> kept) {
        if (kept.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n### Kept branches\n\n")
                .append("Failed tests kept these branches to be inspected. Reach one with `mvn ")
                .append(PLUGIN)
                .append(":connect -Dlakebase.branch=<branch>`, which prints its JDBC URL and password (on ")
                .append("the embedded provider the URL below is that of the run's server, which `connect` starts ")
                .append("again), and drop it when done with `mvn ")
                .append(PLUGIN)
                .append(":drop -Dlakebase.branch=<branch>`; a project that declares the plugin says `mvn ")
                .append("lakebase:connect` (see docs/branches-outside-tests.md).\n\n")
                .append(
                        "| branch | test | parent | JDBC URL | user | expires |\n| --- | --- | --- | --- | --- | --- |\n");
        for (ReportDocument.Kept k : kept) {
            out.append("| ")
                    .append(code(k.name()))
                    .append(" | ")
                    .append(code(k.owner()))
                    .append(" | ")
                    .append(code(k.parent()))
                    .append(" | ")
                    .append(code(k.jdbcUrl()))
                    .append(" | ")
                    .append(code(k.username()))
                    .append(" | ")
                    .append(k.expiresAt() == null ? "when dropped" : k.expiresAt())
                    .append(" |\n");
        }
        return out.toString();
    }

    /** A duration in milliseconds as the report writes it: {@code 4,120 ms}. */
    static String millis(long millis) {
        return String.format(Locale.ROOT, "%,d ms", millis);
    }

    private static String code(String value) {
        String v = value == null ? "" : value.replace("|", "\\|");
        return v.contains("`") ? "`` " + v + " ``" : "`" + v + "`";
    }
}
