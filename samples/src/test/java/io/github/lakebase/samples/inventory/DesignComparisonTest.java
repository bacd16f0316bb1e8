package io.github.lakebase.samples.inventory;

import static io.github.lakebase.samples.inventory.Inventory.say;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two designs of the split, built side by side on two branches of production and measured on the same read
 * path: A, three columns on {@code inventory} (release 2); B, a key/value table {@code inventory_attributes}
 * with one row per item and part. The plans, timings and buffers of {@code EXPLAIN (ANALYZE, BUFFERS)} go to
 * {@code target/lakebase/ab-report.md}.
 *
 * <p>The test asserts that both designs answer the same; the numbers are reported, not asserted: they belong
 * to the decision, and to this machine.
 */
class DesignComparisonTest {

    static final Path REPORT = Path.of("target", "lakebase", "ab-report.md");
    private static final int RUNS = 5;
    private static final Pattern EXECUTION = Pattern.compile("Execution Time: ([0-9.]+) ms");
    private static final Pattern SCAN = Pattern.compile("[A-Za-z ]*Scan (using \\S+ )?on \\S+( \\S+)?(?=\\s+\\(cost)");
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared (?:hit=(\\d+))? ?(?:read=(\\d+))?");

    /** One question of the read path, asked of both designs. */
    private record ReadPath(String question, String columns, String attributes) {}

    private static final List<ReadPath> READ_PATH = List.of(
            new ReadPath(
                    "stock of one batch at one location",
                    "SELECT id, serial_number, quantity FROM inventory WHERE location_code = ? AND batch_number = ? "
                            + "ORDER BY serial_number",
                    "SELECT i.id, s.value, i.quantity FROM inventory i "
                            + "JOIN inventory_attributes l ON l.inventory_id = i.id AND l.name = 'location' AND l.value = ? "
                            + "JOIN inventory_attributes b ON b.inventory_id = i.id AND b.name = 'batch' AND b.value = ? "
                            + "JOIN inventory_attributes s ON s.inventory_id = i.id AND s.name = 'serial' ORDER BY s.value"),
            new ReadPath(
                    "one item by serial number",
                    "SELECT id, location_code, quantity FROM inventory WHERE serial_number = ? AND ? <> ''",
                    "SELECT i.id, l.value, i.quantity FROM inventory i "
                            + "JOIN inventory_attributes s ON s.inventory_id = i.id AND s.name = 'serial' AND s.value = ? "
                            + "JOIN inventory_attributes l ON l.inventory_id = i.id AND l.name = 'location' WHERE ? <> ''"));

    private record Measure(String plan, double medianMs, long hit, long read, List<String> rows) {}

    /** Both designs answer the read path the same; the report says at what cost. */
    @Test
    void columnsOrAttributes(
            @LakebaseBranch(name = "columns", from = ProductionInventory.NAME, migrations = Releases.RELEASE_1)
                    Branch a,
            @LakebaseBranch(name = "attributes", from = ProductionInventory.NAME, migrations = Releases.RELEASE_1)
                    Branch b)
            throws Exception {
        long[] buildMs = new long[2];
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(() -> buildMs[0] =
                                timed(() -> Inventory.migrate(a, Releases.RELEASE_1, Releases.RELEASE_2_EXPAND))),
                        CompletableFuture.runAsync(() -> buildMs[1] =
                                timed(() -> Inventory.migrate(b, Releases.RELEASE_1, "classpath:designs"))))
                .join();
        Inventory.execute(a, "ANALYZE inventory");
        String[] parameters = sampleParameters(a);

        StringBuilder report = new StringBuilder("## A/B: three columns or a key/value table\n\n"
                + "Production-shaped data (" + String.format("%,d", ProductionInventory.ROWS) + " items), "
                + "each design on its own branch. Median of " + RUNS + " runs of `EXPLAIN (ANALYZE, BUFFERS)`.\n\n"
                + "| read path | design | scans | execution (ms) | shared hit / read | rows |\n"
                + "| --- | --- | --- | ---: | ---: | ---: |\n");
        StringBuilder plans = new StringBuilder();
        for (ReadPath path : READ_PATH) {
            String first = path.question().startsWith("stock") ? parameters[0] : parameters[2];
            String second = path.question().startsWith("stock") ? parameters[1] : "any";
            Measure columns = measure(a, path.columns(), first, second);
            Measure attributes = measure(b, path.attributes(), first, second);
            assertThat(attributes.rows())
                    .as(path.question())
                    .isEqualTo(columns.rows())
                    .isNotEmpty();
            row(report, path.question(), "A: columns", columns);
            row(report, path.question(), "B: attributes", attributes);
            plans.append("\n#### ")
                    .append(path.question())
                    .append(" (")
                    .append(first)
                    .append(")\n\nA: columns\n\n```\n")
                    .append(columns.plan())
                    .append("```\n\nB: attributes\n\n```\n")
                    .append(attributes.plan())
                    .append("```\n");
            say(
                    "A/B '%s': columns %.3f ms (%d buffers), attributes %.3f ms (%d buffers)",
                    path.question(),
                    columns.medianMs(),
                    columns.hit() + columns.read(),
                    attributes.medianMs(),
                    attributes.hit() + attributes.read());
        }
        long inventoryA = bytes(a, "pg_total_relation_size('inventory')");
        long inventoryB = bytes(b, "pg_total_relation_size('inventory')");
        report.append("\n| design | build (ms, both at once) | what it adds |\n| --- | ---: | --- |\n")
                .append("| A: columns | ")
                .append(buildMs[0])
                .append(" | ")
                .append(megabytes(inventoryA - inventoryB))
                .append(
                        " more in `inventory`: 3 columns, 2 indexes, and the old row versions the backfill left for vacuum |\n")
                .append("| B: attributes | ")
                .append(buildMs[1])
                .append(" | ")
                .append(megabytes(bytes(b, "pg_total_relation_size('inventory_attributes')")))
                .append(" in `inventory_attributes` |\n")
                .append("\n<details>\n<summary>Plans</summary>\n")
                .append(plans)
                .append("\n</details>\n");
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report);
        say("A/B report of branches %s and %s written to %s", a.name(), b.name(), REPORT.toAbsolutePath());
    }

    private static Measure measure(Branch branch, String sql, String first, String second) throws SQLException {
        List<Double> times = new ArrayList<>();
        String plan = "";
        long hit = 0;
        long read = 0;
        List<String> rows = new ArrayList<>();
        try (Connection c = branch.openConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, first);
                ps.setString(2, second);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                    }
                }
            }
            for (int run = 0; run < RUNS; run++) {
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                    ps.setString(1, first);
                    ps.setString(2, second);
                    StringBuilder text = new StringBuilder();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            text.append(rs.getString(1)).append('\n');
                        }
                    }
                    Matcher time = EXECUTION.matcher(text);
                    times.add(time.find() ? Double.parseDouble(time.group(1)) : Double.NaN);
                    Matcher buffers = BUFFERS.matcher(text);
                    if (buffers.find()) {
                        hit = buffers.group(1) == null ? 0 : Long.parseLong(buffers.group(1));
                        read = buffers.group(2) == null ? 0 : Long.parseLong(buffers.group(2));
                    }
                    plan = text.toString();
                }
            }
        }
        times.sort(null);
        return new Measure(plan, times.get(RUNS / 2), hit, read, rows);
    }

    private static void row(StringBuilder report, String question, String design, Measure m) {
        report.append("| ")
                .append(question)
                .append(" | ")
                .append(design)
                .append(" | ")
                .append(scans(m.plan()))
                .append(" | ")
                .append(String.format("%.3f", m.medianMs()))
                .append(" | ")
                .append(m.hit())
                .append(" / ")
                .append(m.read())
                .append(" | ")
                .append(m.rows().size())
                .append(" |\n");
    }

    /** The plan's scans, for example {@code Index Scan using inventory_serial_number_idx on inventory}. */
    private static String scans(String plan) {
        List<String> scans = new ArrayList<>();
        Matcher m = SCAN.matcher(plan);
        while (m.find()) {
            scans.add("`" + m.group().strip() + "`");
        }
        return String.join(", ", scans);
    }

    /** A location and batch with stock, and a serial number, taken from the data. */
    private static String[] sampleParameters(Branch branch) throws SQLException {
        try (Connection c = branch.openConnection();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT location_code, batch_number, serial_number FROM inventory WHERE id = 123457")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
        }
    }

    private static long bytes(Branch branch, String expression) throws SQLException {
        try (Connection c = branch.openConnection();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + expression)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1024.0 / 1024.0);
    }

    private static long timed(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
