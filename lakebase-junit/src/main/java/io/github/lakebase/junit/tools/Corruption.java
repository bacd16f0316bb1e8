package io.github.lakebase.junit.tools;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.integration.OwnedBranches;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Damages a fraction of a text column's values on a test branch, on purpose and reproducibly, to test what a
 * migration or a query does with the bad data that production accumulates. It reports which rows it damaged,
 * how, and what their values were, so that a test can assert on exactly those rows.
 *
 * <pre>{@code
 * @Test
 * @LakebaseBranch(from = "production")
 * void theSplitSurvivesDamagedCodes(Branch branch) throws SQLException {
 *     CorruptionReport report = Corruption.of(branch)
 *             .column("inventory", "inventory_code")
 *             .fraction(0.01)                                  // 1% of the non-NULL values
 *             .kinds(Damage.MISSING_DIGITS, Damage.EMBEDDED_SPACE, Damage.NULL)
 *             .seed(42)                                        // same seed, same data: same rows, same damage
 *             .apply();
 *
 *     runTheMigration(branch);
 *
 *     assertThat(rowsTheMigrationRejected(branch)).isEqualTo(report.keys(Long.class, Damage.MISSING_DIGITS));
 * }
 * }</pre>
 *
 * <p>How it works: the rows are the first ones in an order given by a hash of the seed and each row's primary
 * key, so the choice depends on the seed and the data only, never on the rows' physical order. Each chosen row
 * takes one of the requested kinds of {@link Damage} that applies to its value (a value without digits cannot
 * lose one), and rows to which none applies are passed over. The changes are ordinary {@code UPDATE}s in one
 * transaction, so triggers on the table fire.
 *
 * <p>It only ever runs on a test branch that the library created and still holds: any other {@link Branch},
 * and through it a parent, a migrated base, another run's branch or a database of your own, is refused before
 * anything is written.
 */
public final class Corruption {

    private static final Logger LOG = LoggerFactory.getLogger(Corruption.class);
    private static final int BATCH = 1_000;

    private final Branch branch;
    private String table;
    private String column;
    private double fraction = Double.NaN;
    private long seed;
    private Set<Damage> kinds;

    private Corruption(Branch branch) {
        this.branch = branch;
    }

    /**
     * Starts describing the damage to do on {@code branch}.
     *
     * @param branch a test branch created by the library, for example a {@code Branch} parameter of a test
     *     annotated with {@code @LakebaseBranch}; checked when {@link #apply()} runs
     * @return a corruption to configure
     */
    public static Corruption of(Branch branch) {
        return new Corruption(branch);
    }

    /**
     * The column to damage.
     *
     * @param table the table, as SQL names it: {@code "inventory"} (found on the search path),
     *     {@code "public.inventory"} or {@code "\"Mixed Case\""}
     * @param column the column's name as stored in the catalog, for example {@code "inventory_code"}; a text,
     *     {@code varchar} or {@code citext} column (or a domain over one), not generated, not part of the
     *     table's primary key
     * @return this
     */
    public Corruption column(String table, String column) {
        if (table == null || table.isBlank() || column == null || column.isBlank()) {
            throw new IllegalArgumentException("Name a table and a column, for example column(\"inventory\", "
                    + "\"inventory_code\"); got table " + describe(table) + " and column " + describe(column));
        }
        this.table = table;
        this.column = column;
        return this;
    }

    /**
     * The share of the column's non-{@code NULL} values to damage, rounded to the nearest whole number of rows,
     * and at least one.
     *
     * @param fraction more than 0 and at most 1, for example {@code 0.01} for 1%
     * @return this
     */
    public Corruption fraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("The fraction must be more than 0 and at most 1 (0.01 damages 1% of "
                    + "the values); got " + fraction);
        }
        this.fraction = fraction;
        return this;
    }

    /**
     * The seed that chooses the rows and the damage; {@code 0} unless set. The same seed on the same data
     * damages the same rows the same way.
     *
     * @param seed any number
     * @return this
     */
    public Corruption seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The kinds of damage to choose from, each row taking one of them; every kind unless set ({@link Damage#NULL}
     * left out for a {@code NOT NULL} column).
     *
     * @param kinds at least one kind
     * @return this
     */
    public Corruption kinds(Damage... kinds) {
        if (kinds == null || kinds.length == 0 || Arrays.asList(kinds).contains(null)) {
            throw new IllegalArgumentException(
                    "Name at least one kind of damage, for example " + "kinds(Damage.MISSING_DIGITS, Damage.NULL); got "
                            + (kinds == null ? "null" : Arrays.toString(kinds)));
        }
        this.kinds = EnumSet.copyOf(Arrays.asList(kinds));
        return this;
    }

    /**
     * Damages the values, in one transaction, and reports what it did.
     *
     * @return the damaged rows, by primary key
     * @throws IllegalArgumentException when the branch was not created by the library, or the table or column
     *     cannot be damaged (the message says why)
     * @throws IllegalStateException when the column or fraction was not set, the branch was destroyed, or the
     *     column has no value to damage
     * @throws SQLException when the database fails
     */
    public CorruptionReport apply() throws SQLException {
        if (table == null) {
            throw new IllegalStateException("Name the column to damage first, for example "
                    + "Corruption.of(branch).column(\"inventory\", \"inventory_code\").fraction(0.01).apply()");
        }
        if (Double.isNaN(fraction)) {
            throw new IllegalStateException("Say how much of " + table + "." + column + " to damage, for example "
                    + ".fraction(0.01) for 1% of its values");
        }
        try (Connection c = OwnedBranches.openVerified(branch, "Corruption")) {
            CorruptibleColumn target = CorruptibleColumn.resolve(c, table, column);
            Set<Damage> chosen = chosenKinds(target);
            c.setAutoCommit(false);
            try {
                long candidates = candidates(c, target);
                if (candidates == 0) {
                    throw new IllegalStateException("The column " + target.qualifiedName() + " has no non-NULL value "
                            + "on branch " + branch.name() + ": there is nothing to damage. Fill the table first.");
                }
                long wanted = Math.max(1, Math.round(fraction * candidates));
                List<DamagedRow> rows = choose(c, target, chosen, wanted);
                write(c, target, rows);
                c.commit();
                CorruptionReport report =
                        new CorruptionReport(target.qualifiedName(), branch.name(), seed, candidates, rows);
                if (rows.size() < wanted) {
                    LOG.warn("{}; only {} of the {} rows asked for could take {}", report, rows.size(), wanted, chosen);
                } else {
                    LOG.info("{}", report);
                }
                return report;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Set<Damage> chosenKinds(CorruptibleColumn target) {
        if (kinds == null) {
            Set<Damage> all = EnumSet.allOf(Damage.class);
            if (!target.nullable()) {
                all.remove(Damage.NULL);
            }
            return all;
        }
        if (kinds.contains(Damage.NULL) && !target.nullable()) {
            throw new IllegalArgumentException("The column " + target.qualifiedName() + " is NOT NULL, so it cannot "
                    + "take Damage.NULL. Leave NULL out of kinds(...), or drop the constraint on the branch first.");
        }
        return kinds;
    }

    private static long candidates(Connection c, CorruptibleColumn target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + target.tableSql() + " WHERE "
                        + CorruptibleColumn.quote(target.column()) + " IS NOT NULL");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first {@code wanted} rows, in the seed's order, that one of the chosen kinds applies to, damaged. */
    private List<DamagedRow> choose(Connection c, CorruptibleColumn target, Set<Damage> chosen, long wanted)
            throws SQLException {
        String key = target.primaryKey().stream().map(CorruptibleColumn::quote).collect(Collectors.joining(", "));
        String sql = "SELECT " + key + ", " + CorruptibleColumn.quote(target.column()) + " FROM " + target.tableSql()
                + " WHERE " + CorruptibleColumn.quote(target.column()) + " IS NOT NULL"
                + " ORDER BY md5(? || ':' || ROW(" + key + ")::text), " + key;
        SplittableRandom random = new SplittableRandom(seed);
        List<DamagedRow> rows = new ArrayList<>();
        int keySize = target.primaryKey().size();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Long.toString(seed));
            ps.setFetchSize((int) Math.min(Math.max(wanted + wanted / 4, 100), 10_000));
            try (ResultSet rs = ps.executeQuery()) {
                while (rows.size() < wanted && rs.next()) {
                    String value = rs.getString(keySize + 1);
                    List<Damage> applicable = chosen.stream()
                            .filter(d -> d.appliesTo(value, target.maxLength(), target.nullable()))
                            .toList();
                    if (applicable.isEmpty()) {
                        continue;
                    }
                    Damage damage = applicable.get(random.nextInt(applicable.size()));
                    List<Object> keyValues = new ArrayList<>(keySize);
                    for (int i = 1; i <= keySize; i++) {
                        keyValues.add(rs.getObject(i));
                    }
                    rows.add(new DamagedRow(keyValues, damage, value, damage.apply(value, target.maxLength(), random)));
                }
            }
        }
        rows.sort(Comparator.comparing(DamagedRow::key, Corruption::compareKeys));
        return rows;
    }

    private static void write(Connection c, CorruptibleColumn target, List<DamagedRow> rows) throws SQLException {
        String where = target.primaryKey().stream()
                .map(k -> CorruptibleColumn.quote(k) + " = ?")
                .collect(Collectors.joining(" AND "));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + target.tableSql() + " SET "
                + CorruptibleColumn.quote(target.column()) + " = ? WHERE " + where)) {
            for (int i = 0; i < rows.size(); i++) {
                DamagedRow row = rows.get(i);
                ps.setString(1, row.damaged());
                for (int k = 0; k < row.key().size(); k++) {
                    ps.setObject(k + 2, row.key().get(k));
                }
                ps.addBatch();
                if ((i + 1) % BATCH == 0 || i == rows.size() - 1) {
                    for (int count : ps.executeBatch()) {
                        if (count != 1 && count != PreparedStatement.SUCCESS_NO_INFO) {
                            throw new IllegalStateException("A row of " + target.qualifiedName() + " chosen for damage "
                                    + "changed while it was being damaged; run Corruption when nothing else writes.");
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c = x instanceof Comparable cx && y != null && x.getClass() == y.getClass()
                    ? cx.compareTo(y)
                    : Objects.toString(x).compareTo(Objects.toString(y));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String describe(String name) {
        return name == null ? "null" : "'" + name + "'";
    }
}
