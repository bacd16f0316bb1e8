package io.github.lakebase.benchmarks.report;

import static io.github.lakebase.benchmarks.report.MarkdownReport.ms;
import static io.github.lakebase.benchmarks.report.Targets.verdict;

import io.github.lakebase.benchmarks.harness.Approach;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Spring Boot cell of the results page: the cost per test of a JPA repository test with
 * {@code @LakebaseBranch} and with the alternatives a Spring team would pick, the targets it is graded on,
 * and the warm start of a Spring test.
 *
 * <pre>{@code
 * SpringReport.section(md, summary);
 * }</pre>
 */
final class SpringReport {

    /** {@code @LakebaseBranch} may cost at most this many times the PostgreSQL rollback approach (stretch). */
    static final double ROLLBACK_RATIO_TARGET = 2;
    /** {@code @LakebaseBranch} may cost at most this many times in-memory H2 (stretch). */
    static final double H2_RATIO_TARGET = 3;
    /** A warm Spring start may reach its first test at most this much later than the same class on H2. */
    static final double WARM_START_OVER_H2_TARGET_MS = 1000;

    private static final List<Approach> MUST_BEAT =
            List.of(Approach.SPRING_TRUNCATE, Approach.SPRING_ZONKY, Approach.SPRING_DIRTIES_CONTEXT);

    private SpringReport() {}

    static void section(StringBuilder md, Summary summary) {
        List<Row> rows = summary.rows().stream().filter(Row::spring).toList();
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Spring Boot: a JPA repository test\n\n");
        md.append(String.format(
                Locale.ROOT,
                "A `@DataJpaTest` of a Spring Data JPA repository (Spring Boot %s, Hibernate %s), the same test for "
                        + "every approach: in one transaction it reads the 100 rows of its table, checks that it finds "
                        + "them as the migration left them, renames half of them and deletes the others. Median "
                        + "milliseconds per test (p90 in brackets) from JUnit's start of the test to its end, the "
                        + "context's work included (its instance's creation too, where a new context starts); of "
                        + "that, the wait from the test's start to its body, and the clean-up after its body (medians, "
                        + "p90 in brackets); the cost of the later half of each round's tests, once the JVM has "
                        + "compiled most of what they run (until then its compiler competes with the tests for the "
                        + "machine's cores); and each approach's median cost over that of `@LakebaseBranch` and of "
                        + "in-memory H2. On %s.%n%n",
                version("org.springframework.boot.SpringBootVersion", "getVersion"),
                version("org.hibernate.Version", "getVersionString"),
                rows.get(0).filesystem()));
        md.append("| approach | cost per test | wait | after the body | later half | vs @LakebaseBranch | vs H2 |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double lakebase = median(summary, Approach.SPRING_LAKEBASE);
        double h2 = median(summary, Approach.SPRING_H2);
        for (Row r : rows) {
            boolean measured = r.cost().count() > 0;
            md.append("| ")
                    .append(r.label())
                    .append(" | ")
                    .append(MarkdownReport.cell(r.cost(), Double.NaN, r.note()))
                    .append(" | ")
                    .append(measured ? MarkdownReport.cell(r.waiting(), Double.NaN, "") : "")
                    .append(" | ")
                    .append(measured ? MarkdownReport.cell(r.after(), Double.NaN, "") : "")
                    .append(" | ")
                    .append(measured ? MarkdownReport.cell(r.later(), Double.NaN, "") : "")
                    .append(" | ")
                    .append(measured ? ratio(r.cost().median() / lakebase) : "")
                    .append(" | ")
                    .append(measured ? ratio(r.cost().median() / h2) : "")
                    .append(" |\n");
        }
        md.append('\n');
    }

    static List<String> targets(Summary summary) {
        if (summary.rows().stream().noneMatch(Row::spring)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(required(summary));
        lines.add(stretch(summary));
        lines.add(warmStart(summary));
        return lines;
    }

    private static String required(Summary summary) {
        String target = "A Spring Boot JPA test with `@LakebaseBranch` costs less than one that truncates every table "
                + "after each test, than zonky's refresh after each test and than `@DirtiesContext` after each test: ";
        double lakebase = median(summary, Approach.SPRING_LAKEBASE);
        if (Double.isNaN(lakebase)) {
            return target + "**not measured** (" + noteOf(summary, Approach.SPRING_LAKEBASE) + ").";
        }
        List<String> against = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean met = true;
        for (Approach a : MUST_BEAT) {
            double other = median(summary, a);
            if (Double.isNaN(other)) {
                missing.add(a.label() + ": " + noteOf(summary, a));
            } else {
                met &= lakebase < other;
                against.add(ms(other) + " ms (" + a.label() + ")");
            }
        }
        String verdict = !met ? verdict(false) : missing.isEmpty() ? verdict(true) : "**not fully measured**";
        return target + verdict + ": " + ms(lakebase) + " ms against " + String.join(", ", against)
                + (missing.isEmpty() ? "" : "; not measured: " + String.join("; ", missing)) + "." + laterHalf(summary);
    }

    /** How the later half of each round's tests compares, which the grade (on every test) leaves out. */
    private static String laterHalf(Summary summary) {
        double lakebase = later(summary, Approach.SPRING_LAKEBASE);
        List<String> against = new ArrayList<>();
        for (Approach a : MUST_BEAT) {
            double other = later(summary, a);
            if (!Double.isNaN(other)) {
                against.add(ms(other) + " ms (" + a.label() + ")");
            }
        }
        return Double.isNaN(lakebase) || against.isEmpty()
                ? ""
                : " In the later half of each round's tests: " + ms(lakebase) + " ms against "
                        + String.join(", ", against) + ".";
    }

    private static double later(Summary summary, Approach approach) {
        return row(summary, approach)
                .filter(r -> r.later().count() > 0)
                .map(r -> r.later().median())
                .orElse(Double.NaN);
    }

    private static String stretch(Summary summary) {
        double lakebase = median(summary, Approach.SPRING_LAKEBASE);
        return String.format(
                        Locale.ROOT,
                        "Stretch: a Spring Boot JPA test with `@LakebaseBranch` costs at most %.0f times one rolled "
                                + "back on one PostgreSQL database, and at most %.0f times one on in-memory H2: ",
                        ROLLBACK_RATIO_TARGET,
                        H2_RATIO_TARGET)
                + close(lakebase, summary, Approach.SPRING_ROLLBACK, ROLLBACK_RATIO_TARGET) + "; "
                + close(lakebase, summary, Approach.SPRING_H2, H2_RATIO_TARGET) + ".";
    }

    private static String close(double lakebase, Summary summary, Approach other, double limit) {
        double median = median(summary, other);
        if (Double.isNaN(lakebase) || Double.isNaN(median)) {
            return "**not measured** against " + other.label();
        }
        double ratio = lakebase / median;
        return String.format(
                Locale.ROOT,
                "%s against %s: ×%.2f (%s ms against %s ms)",
                verdict(ratio <= limit),
                other.label(),
                ratio,
                ms(lakebase),
                ms(median));
    }

    private static String warmStart(Summary summary) {
        String target = String.format(
                Locale.ROOT,
                "A second JVM reaches its first Spring test on the persistent data directory a first JVM left (warm "
                        + "start) at most %.0f ms later than the same test class on in-memory H2 (from the JVM's "
                        + "start): ",
                WARM_START_OVER_H2_TARGET_MS);
        Optional<StartupRow> warm = startup(summary, "WARM_START", Approach.SPRING_LAKEBASE);
        Optional<StartupRow> cold = startup(summary, "COLD_START", Approach.SPRING_LAKEBASE);
        Optional<StartupRow> joined = startup(summary, "JOINED_START", Approach.SPRING_LAKEBASE)
                .filter(j -> !Double.isNaN(j.jvmToFirstTestMillis()));
        Optional<StartupRow> h2 = startup(summary, "REFERENCE", Approach.SPRING_H2);
        if (warm.isEmpty()
                || h2.isEmpty()
                || Double.isNaN(warm.get().jvmToFirstTestMillis())
                || Double.isNaN(h2.get().jvmToFirstTestMillis())) {
            return target + "**not measured**.";
        }
        double over = warm.get().jvmToFirstTestMillis() - h2.get().jvmToFirstTestMillis();
        return target
                + verdict(over <= WARM_START_OVER_H2_TARGET_MS)
                + String.format(
                        Locale.ROOT,
                        ": %s against %s on H2 (%+,.0f ms; cold start: %s%s).",
                        StartupReport.msOfSamples(warm.get().jvmToFirstTest()),
                        StartupReport.msOfSamples(h2.get().jvmToFirstTest()),
                        over,
                        cold.map(c -> StartupReport.msOfSamples(c.jvmToFirstTest()))
                                .orElse("–"),
                        joined.map(j ->
                                        "; joining the server an earlier run left running (`lakebase.embedded.linger`): "
                                                + StartupReport.msOfSamples(j.jvmToFirstTest()))
                                .orElse(""));
    }

    private static Optional<StartupRow> startup(Summary summary, String kind, Approach approach) {
        return summary.startup().stream()
                .filter(s -> s.kind().equals(kind) && s.approach().equals(approach.name()))
                .findFirst();
    }

    private static double median(Summary summary, Approach approach) {
        return row(summary, approach).map(r -> r.cost().median()).orElse(Double.NaN);
    }

    private static String noteOf(Summary summary, Approach approach) {
        return row(summary, approach)
                .map(r -> r.note().isEmpty() ? "no test ran" : r.note())
                .orElse("not run");
    }

    private static Optional<Row> row(Summary summary, Approach approach) {
        return summary.rows().stream()
                .filter(r -> r.approach().equals(approach.name()))
                .findFirst();
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "×%.2f", ratio);
    }

    /** The version a library reports about itself, or "?" when it is not on the class path. */
    private static String version(String className, String method) {
        try {
            Object v = Class.forName(className).getMethod(method).invoke(null);
            return v == null ? "?" : v.toString();
        } catch (ReflectiveOperationException | LinkageError e) {
            return "?";
        }
    }
}
