package io.github.lakebase.samples.inventory;

import io.github.lakebase.junit.Branch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/** What the inventory samples share: reading codes the way release 2 should, reading rows, migrating, telling. */
final class Inventory {

    /** The parts of a well-formed code. */
    record Parts(String location, String batch, String serial) {}

    /** A row of {@code inventory} after release 2. */
    record Row(long id, String code, String location, String batch, String serial) {
        Parts parts() {
            return location == null && batch == null && serial == null ? null : new Parts(location, batch, serial);
        }
    }

    private static final Pattern CODE = Pattern.compile("(L[0-9]{3})(B[0-9]{4})(S[0-9]{6})");

    /** Rows with parts that do not have the form of a location, a batch and a serial number. */
    static final String MALFORMED = "SELECT id FROM inventory "
            + "WHERE NOT (location_code IS NULL AND batch_number IS NULL AND serial_number IS NULL) "
            + "AND NOT (coalesce(location_code ~ '^L[0-9]{3}$', false) AND coalesce(batch_number ~ '^B[0-9]{4}$', false) "
            + "AND coalesce(serial_number ~ '^S[0-9]{6}$', false))";

    private Inventory() {}

    /**
     * How a code should read, written again in Java to check the SQL of the migration against: spaces and
     * dashes dropped, letters upper-cased, then L + 3 digits, B + 4 digits, S + 6 digits; empty when it does
     * not read.
     */
    static Optional<Parts> read(String code) {
        if (code == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(code.replaceAll("[ -]", "").toUpperCase(Locale.ROOT));
        return m.matches() ? Optional.of(new Parts(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    static List<Row> rows(Branch branch) throws SQLException {
        List<Row> rows = new ArrayList<>(ProductionInventory.ROWS);
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT id, inventory_code, location_code, batch_number, serial_number FROM inventory ORDER BY id")) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return rows;
    }

    static Set<Long> ids(Branch branch, String sql) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    static long count(Branch branch, String sql) throws SQLException {
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(Branch branch, String sql) throws SQLException {
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs Flyway on a branch, the way a deployment would, and tells what it applied. */
    static void migrate(Branch branch, String... locations) {
        long start = System.nanoTime();
        int applied = Flyway.configure()
                .dataSource(branch.jdbcUrl(), branch.username(), branch.password())
                .locations(locations)
                .load()
                .migrate()
                .migrationsExecuted;
        say(
                "branch %s: applied %d migration(s) from %s in %d ms",
                branch.name(), applied, String.join(", ", locations), (System.nanoTime() - start) / 1_000_000);
    }

    /** Prints a line of the story; the samples' output shows what happened, with {@code -q} too. */
    static void say(String format, Object... args) {
        System.out.printf("[inventory] " + format + "%n", args);
    }
}
