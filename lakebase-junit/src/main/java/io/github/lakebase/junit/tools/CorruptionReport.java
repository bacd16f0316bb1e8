package io.github.lakebase.junit.tools;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Corruption#apply()} did: which rows it damaged, how, and with which seed, so that a test can
 * assert on exactly those rows.
 *
 * <pre>{@code
 * CorruptionReport report = Corruption.of(branch).column("inventory", "inventory_code").fraction(0.01).apply();
 * Set<Long> lostTheirCode = report.keys(Long.class, Damage.NULL);
 * System.out.println(report);   // Damaged 3000 of 299400 values of public.inventory.inventory_code ...
 * }</pre>
 */
public final class CorruptionReport {

    private final String column;
    private final String branch;
    private final long seed;
    private final long candidates;
    private final List<DamagedRow> rows;

    CorruptionReport(String column, String branch, long seed, long candidates, List<DamagedRow> rows) {
        this.column = column;
        this.branch = branch;
        this.seed = seed;
        this.candidates = candidates;
        this.rows = List.copyOf(rows);
    }

    /**
     * The damaged column, schema-qualified, for example {@code public.inventory.inventory_code}.
     *
     * @return the column's qualified name
     */
    public String column() {
        return column;
    }

    /**
     * The seed the rows and the damage were chosen with; the same seed on the same data damages the same rows
     * the same way.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * How many values the rows were chosen from: the column's non-{@code NULL} values.
     *
     * @return the number of candidate values
     */
    public long candidates() {
        return candidates;
    }

    /**
     * The damaged rows, ordered by primary key.
     *
     * @return the damaged rows
     */
    public List<DamagedRow> rows() {
        return rows;
    }

    /**
     * How many rows were damaged.
     *
     * @return the number of damaged rows
     */
    public int size() {
        return rows.size();
    }

    /**
     * The primary-key values of the damaged rows of a table with a single-column key, optionally only of rows
     * that took one of {@code damages}.
     *
     * <pre>{@code
     * assertThat(rejectedIds).isEqualTo(report.keys(Long.class, Damage.MISSING_DIGITS, Damage.TRUNCATED));
     * }</pre>
     *
     * @param type the key's Java type, as the JDBC driver reads it ({@code Long} for {@code bigint})
     * @param damages the kinds of damage to keep; none means every kind
     * @param <T> the key's type
     * @return the keys, ordered by key
     * @throws IllegalStateException when the key has several columns
     * @throws ClassCastException when the keys are not of {@code type}
     */
    public <T> Set<T> keys(Class<T> type, Damage... damages) {
        Set<Damage> wanted = damages.length == 0 ? EnumSet.allOf(Damage.class) : EnumSet.copyOf(Arrays.asList(damages));
        Set<T> keys = new LinkedHashSet<>();
        for (DamagedRow row : rows) {
            if (wanted.contains(row.damage())) {
                keys.add(type.cast(row.id()));
            }
        }
        return keys;
    }

    /**
     * How many rows took each kind of damage; kinds that no row took are absent.
     *
     * @return the count per kind, in the order of {@link Damage}
     */
    public Map<Damage, Integer> counts() {
        Map<Damage, Integer> counts = new EnumMap<>(Damage.class);
        rows.forEach(row -> counts.merge(row.damage(), 1, Integer::sum));
        return counts;
    }

    /**
     * A one-line summary, for example {@code Damaged 3 of 300 values of public.inventory.inventory_code on
     * branch lbj_x_1 (seed 42): 2 MISSING_DIGITS, 1 NULL}.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Damaged ")
                .append(rows.size())
                .append(" of ")
                .append(candidates)
                .append(" values of ")
                .append(column)
                .append(" on branch ")
                .append(branch)
                .append(" (seed ")
                .append(seed)
                .append(')');
        String separator = ": ";
        for (Map.Entry<Damage, Integer> count : counts().entrySet()) {
            s.append(separator).append(count.getValue()).append(' ').append(count.getKey());
            separator = ", ";
        }
        return s.toString();
    }
}
